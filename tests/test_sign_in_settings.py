"""Which sign-in providers the environment switches on, and what each needs."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.sign_in import district_email_domains, sign_in_providers

EVERY_PROVIDER = {
    "DISTRICT_EMAIL_DOMAINS": "Lakeview.k12.us, staff.lakeview.k12.us",
    **{f"{name}_CLIENT_ID": "id" for name in ("GOOGLE", "MICROSOFT", "CLEVER", "CLASSLINK")},
    **{f"{name}_CLIENT_SECRET": "s" for name in ("GOOGLE", "MICROSOFT", "CLEVER", "CLASSLINK")},
    "MICROSOFT_TENANT_ID": "7f3c1a52-0d4e-4b8a-9c61-2f5e8d9b0a17",
    "CLEVER_DISTRICT_ID": "5b2ad81a709e300001e2cd7a",
}


def test_an_empty_environment_switches_nothing_on():
    assert sign_in_providers({}) == {}


def test_each_provider_is_switched_on_by_its_own_variables():
    providers = sign_in_providers(EVERY_PROVIDER)

    assert set(providers) == {"google", "microsoft", "clever", "openid_connect"}
    assert providers["openid_connect"]["APPS"][0]["provider_id"] == "classlink"
    assert providers["openid_connect"]["APPS"][0]["settings"]["server_url"] == (
        "https://launchpad.classlink.com"
    )
    # Two domains: Google's account chooser is told only "a Workspace account".
    assert providers["google"]["AUTH_PARAMS"] == {"hd": "*"}
    assert district_email_domains(EVERY_PROVIDER) == ["lakeview.k12.us", "staff.lakeview.k12.us"]


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("DISTRICT_EMAIL_DOMAINS", "DISTRICT_EMAIL_DOMAINS"),
        ("MICROSOFT_TENANT_ID", "MICROSOFT_TENANT_ID"),
        ("CLEVER_DISTRICT_ID", "CLEVER_DISTRICT_ID"),
        ("CLASSLINK_CLIENT_SECRET", "CLASSLINK_CLIENT_SECRET"),
    ],
)
def test_a_provider_without_what_keeps_strangers_out_stops_the_site(missing, named):
    environment = {**EVERY_PROVIDER, missing: ""}

    with pytest.raises(ImproperlyConfigured, match=named):
        sign_in_providers(environment)
