from django import forms


class AccessibleForm(forms.Form):
    """Links help texts and errors to their inputs (aria-describedby, aria-invalid) for WCAG 2.1 AA."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                ids.append(f"{bound.auto_id}_error")
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
