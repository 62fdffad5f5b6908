from tests.security.access import ANONYMOUS, SIGN_IN_STEP, SIGNED_IN, STAFF, Rule, Who

ROUTES = {
    "home": ANONYMOUS,
    "healthz": ANONYMOUS,
    "admin:": STAFF,
    "admin:autocomplete": Rule(Who.STAFF, opens_without_parameters=False),
    "accounts:profile": SIGNED_IN,
    # allauth: the pages for signing in and recovering an account are open to all.
    "account_login": ANONYMOUS,
    "account_logout": ANONYMOUS,
    "account_inactive": ANONYMOUS,
    "account_signup": ANONYMOUS,
    "account_email_verification_sent": ANONYMOUS,
    "account_confirm_email": Rule(Who.ANONYMOUS, kwargs=(("key", "not-a-real-key"),)),
    "account_reset_password": ANONYMOUS,
    "account_reset_password_done": ANONYMOUS,
    "account_reset_password_from_key": Rule(
        Who.ANONYMOUS, kwargs=(("uidb36", "1"), ("key", "not-a-real-key"))
    ),
    "account_reset_password_from_key_done": ANONYMOUS,
    "account_confirm_login_code": SIGN_IN_STEP,
    "mfa_authenticate": SIGN_IN_STEP,
    # allauth: managing one's own account needs a signed-in person.
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "mfa_index": SIGNED_IN,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": SIGNED_IN,
    "mfa_view_recovery_codes": SIGNED_IN,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_download_recovery_codes": SIGNED_IN,
}
