from django import forms

WIDGET_CLASSES = {
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.widgets.Input: "utrecht-textbox utrecht-textbox--html-input",
}


class AccessibleForm(forms.Form):
    """NL Design System classes on every input; help texts and errors linked to it (WCAG 2.1 AA)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for widget_type, css in WIDGET_CLASSES.items():
                if isinstance(field.widget, widget_type):
                    field.widget.attrs.setdefault("class", css)
                    break

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
