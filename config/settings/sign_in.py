"""Sign-in through the district's own accounts, read from the environment.

Each provider is on only when its client id is set, so a site started with no
environment at all (``make run``) offers email and username sign-in alone. The
README's "Signing in" section lists the variables and the callback URL each
provider needs registered.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

# Microsoft's multi-tenant authorities let in any organisation's accounts, or anyone's.
MICROSOFT_SHARED_TENANTS = {"common", "organizations", "consumers"}
CLASSLINK_SERVER_URL = "https://launchpad.classlink.com"


def env_list(environ: Mapping[str, str], name: str) -> list[str]:
    """A comma-separated variable as a list, lower case, blanks dropped."""
    return [item.strip().lower() for item in environ.get(name, "").split(",") if item.strip()]


def _app(environ: Mapping[str, str], prefix: str, **app_settings) -> dict:
    secret = environ.get(f"{prefix}_CLIENT_SECRET", "")
    if not secret:
        raise ImproperlyConfigured(f"{prefix}_CLIENT_ID is set but {prefix}_CLIENT_SECRET is not.")
    return {
        "client_id": environ[f"{prefix}_CLIENT_ID"],
        "secret": secret,
        "settings": app_settings,
    }


def district_email_domains(environ: Mapping[str, str]) -> list[str]:
    return env_list(environ, "DISTRICT_EMAIL_DOMAINS")


def sign_in_providers(environ: Mapping[str, str]) -> dict:
    """SOCIALACCOUNT_PROVIDERS for the providers whose client id is set.

    A provider switched on without what keeps strangers out (the district's
    domains for Google, its tenant for Microsoft, its district id for Clever)
    stops the site at start-up rather than letting anyone in.
    """
    domains = district_email_domains(environ)
    providers: dict[str, dict] = {}

    if environ.get("GOOGLE_CLIENT_ID"):
        if not domains:
            raise ImproperlyConfigured(
                "Google sign-in needs DISTRICT_EMAIL_DOMAINS: the ID token's hd claim "
                "is checked against it."
            )
        providers["google"] = {
            "APPS": [_app(environ, "GOOGLE")],
            "SCOPE": ["openid", "email", "profile"],
            # Only a hint to Google's account chooser ("*": any Workspace account);
            # accounts.social checks the signed hd claim itself.
            "AUTH_PARAMS": {"hd": domains[0] if len(domains) == 1 else "*"},
            "OAUTH_PKCE_ENABLED": True,
        }

    if environ.get("MICROSOFT_CLIENT_ID"):
        tenant = environ.get("MICROSOFT_TENANT_ID", "").strip()
        if not tenant or tenant.lower() in MICROSOFT_SHARED_TENANTS:
            raise ImproperlyConfigured(
                "Microsoft sign-in needs MICROSOFT_TENANT_ID, the district's own tenant "
                "(not common, organizations or consumers)."
            )
        providers["microsoft"] = {
            # Graph's mail attribute is set by the tenant's administrators, not by
            # the person, so inside the district's tenant it is taken as verified.
            "APPS": [_app(environ, "MICROSOFT", tenant=tenant, verified_email=domains)],
            # openid brings an ID token, which names the tenant (accounts.social).
            "SCOPE": ["openid", "User.Read"],
            "OAUTH_PKCE_ENABLED": True,
        }

    if environ.get("CLEVER_CLIENT_ID"):
        district = environ.get("CLEVER_DISTRICT_ID", "").strip()
        if not district:
            raise ImproperlyConfigured(
                "Clever sign-in needs CLEVER_DISTRICT_ID: people of other districts are refused."
            )
        providers["clever"] = {
            # The district's roster, not the person, sets an address in Clever, and
            # Clever does not verify it: trusted only within the district (accounts.social).
            "APPS": [_app(environ, "CLEVER", district=district, verified_email=domains)],
            # The person's own Clever id (their name comes with it); never a student scope.
            "SCOPE": ["read:user_id"],
        }

    if environ.get("CLASSLINK_CLIENT_ID"):
        providers["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": "classlink",
                    "name": "ClassLink",
                    **_app(
                        environ,
                        "CLASSLINK",
                        server_url=environ.get("CLASSLINK_SERVER_URL", CLASSLINK_SERVER_URL),
                        verified_email=domains,
                    ),
                }
            ],
            "OAUTH_PKCE_ENABLED": True,
        }

    return providers
