"""Importers for the RIO catalogue: DUO open-data files and the RIO LOD API feed one pipeline.

Every source yields rows keyed by the DUO column names (see ``columns.py``); ``rows.py`` validates them
into records and ``apply.py`` writes them in one transaction.
"""
