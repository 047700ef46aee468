"""Forms for login, MFA and the tenant administration screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from kasane.core.forms import Form, JapaneseFormMixin, ModelForm

from .models import Membership, Municipality, Organization, Role, Unit, User


class LoginForm(Form):
    username = forms.CharField(label="ユーザー名", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username",
                                                             "autofocus": True}))
    password = forms.CharField(label="パスワード", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OtpForm(Form):
    token = forms.CharField(label="確認コード（6桁）", max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                          "inputmode": "numeric",
                                                          "autofocus": True}))


class OrganizationForm(ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "unit", "is_active"]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)  # type: ignore[attr-defined]


class UnitForm(ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "order"]
        error_messages = {"code": {"max_length": "担当課コードは1文字で入力してください。"}}


class UserForm(ModelForm):
    password = forms.CharField(label="初期パスワード", required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="新規作成時に設定します（10文字以上）。空欄なら変更しません。")

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "is_active"]

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password, self.instance)
        return password


class MembershipForm(Form):
    organization = forms.ModelChoiceField(label="組織", queryset=Organization.objects.none())
    role = forms.ChoiceField(label="役割", choices=Role.choices)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality, is_active=True
        )


class TokenForm(Form):
    name = forms.CharField(label="用途（連携システム名など）", max_length=100)
    membership = forms.ModelChoiceField(label="所属", queryset=Membership.objects.none())

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["membership"].queryset = Membership.objects.filter(  # type: ignore[attr-defined]
            user=user, is_active=True
        ).select_related("organization")


class PasswordForm(JapaneseFormMixin, PasswordChangeForm):
    """Django's password change in Kasane's voice."""


class MunicipalityCreateForm(Form):
    """The platform operator's 「自治体の追加」 form (service: accounts.tenants)."""

    code = forms.CharField(label="地方公共団体コード", max_length=6,
                           help_text="半角数字6桁（検査数字つき）。例: 131016")
    name = forms.CharField(label="名称", max_length=100, help_text="例: 重ね市")
    prefecture = forms.CharField(label="都道府県", max_length=10, required=False,
                                 help_text="空欄ならコードの先頭2桁から決めます。")
    admin = forms.CharField(label="最初の管理者のユーザー名", max_length=150)
    secretariat = forms.CharField(label="最初の事務局のユーザー名", max_length=150, required=False)
    coordinator = forms.CharField(label="最初の推進員のユーザー名", max_length=150, required=False)
