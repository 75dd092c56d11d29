"""The national programme portfolio: figures per area, the sector's norms, consultations and escalations, and
binding agreements. One module per part."""

from .afspraken import BindendeAfspraak, Lidmaatschap, Stem
from .casussen import Betrokkene, Bijdrage, Casus, Commissielid, Escalatiestap, Soort, Stapdocument, Trede
from .gebied import Bevolking, Inschrijving, Leeftijdsklasse
from .regie import Aanbodmarkering, Overlapmodus, Regieinstellingen, Specialisme, Stembasis

__all__ = [
    "Aanbodmarkering",
    "Betrokkene",
    "Bevolking",
    "Bijdrage",
    "BindendeAfspraak",
    "Casus",
    "Commissielid",
    "Escalatiestap",
    "Inschrijving",
    "Leeftijdsklasse",
    "Lidmaatschap",
    "Overlapmodus",
    "Regieinstellingen",
    "Soort",
    "Specialisme",
    "Stapdocument",
    "Stem",
    "Stembasis",
    "Trede",
]
