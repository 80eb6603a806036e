from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput,
                                     required=False)

    def __init__(self, *args, needs_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        if not needs_password:
            del self.fields["full_name"]
            del self.fields["password_again"]
            self.fields["password"].label = _("Your platform password")

    def clean(self):
        data = super().clean()
        if self.needs_password and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data
