"""Roles from the token's claim, the mapping setting, and one Laget session per ID token."""

from config.settings import DEFAULT_OIDC_ROLE_MAP, load_settings, parse_role_map
from dashboard.oidc import identity_token, map_role, provider_label


def test_roles_map_to_the_highest_laget_role():
    assert map_role({"roles": ["Laget.Leser", "Laget.Admin"]}, "roles", DEFAULT_OIDC_ROLE_MAP, False) == "admin"
    assert map_role({"roles": "Laget.Redaktor"}, "roles", DEFAULT_OIDC_ROLE_MAP, False) == "redaktor"
    assert map_role({"roles": ["Annet"]}, "roles", DEFAULT_OIDC_ROLE_MAP, False) is None
    assert map_role({}, "roles", DEFAULT_OIDC_ROLE_MAP, False) is None
    assert map_role({}, "roles", DEFAULT_OIDC_ROLE_MAP, True) == "leser"


def test_group_claim_with_a_custom_mapping():
    settings = load_settings(env={"LAGET_OIDC_ROLE_CLAIM": "groups", "DATABASE_URL": "sqlite:////tmp/x.db",
                                  "LAGET_OIDC_ROLE_MAP": "8c1e-aa=redaktor, 77f0-bb = planlegger",
                                  "LAGET_OIDC_DEFAULT_LESER": "1"})
    assert settings.oidc_role_map == (("8c1e-aa", "redaktor"), ("77f0-bb", "planlegger"))
    claims = {"groups": ["77f0-bb"], "roles": ["Laget.Admin"]}
    assert map_role(claims, settings.oidc_role_claim, settings.oidc_role_map, settings.oidc_default_leser) \
        == "planlegger"
    assert map_role({"groups": []}, "groups", settings.oidc_role_map, settings.oidc_default_leser) == "leser"
    assert parse_role_map({"Laget.Admin": "admin"}) == (("Laget.Admin", "admin"),)


def test_every_sign_in_is_its_own_session():
    first = {"provider": "entra", "iss": "https://login.microsoftonline.com/t/v2.0", "sub": "abc", "iat": 1,
             "nonce": "n1"}
    assert identity_token(first) == identity_token(dict(first))
    assert identity_token(first) != identity_token({**first, "iat": 2, "nonce": "n2"})
    assert identity_token(first) != identity_token({**first, "sub": "abd"})


def test_provider_labels_are_norwegian():
    assert provider_label("default") == "kommunens konto"
    assert provider_label("microsoft") == "Microsoft (Entra ID)"
    assert provider_label("idporten") == "idporten"
