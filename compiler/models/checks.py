"""Checks on credential references: a value that would leak or be the wrong thing."""

from __future__ import annotations

from urllib.parse import urlsplit

# Variables every shell or CI runner sets to something that is not a secret: naming one as a
# provider key would send, say, the PATH to the provider as its API key.
_NOT_SECRETS = frozenset(
    """
    PATH HOME USER LOGNAME SHELL PWD OLDPWD TERM LANG LANGUAGE TZ HOSTNAME HOST TMPDIR TMP
    TEMP EDITOR VISUAL PAGER DISPLAY MAIL SHLVL PS1 PS2 IFS COLUMNS LINES PYTHONPATH
    PYTHONHOME VIRTUAL_ENV LD_LIBRARY_PATH LD_PRELOAD MANPATH CI GITHUB_ACTIONS
    GITHUB_WORKSPACE GITHUB_REPOSITORY GITHUB_SHA GITHUB_REF RUNNER_OS RUNNER_TEMP
    KUBECONFIG HTTP_PROXY HTTPS_PROXY NO_PROXY SSH_AUTH_SOCK SSL_CERT_FILE SSL_CERT_DIR
    REQUESTS_CA_BUNDLE
    """.split()  # noqa: SIM905 (a word list reads better than 50 quoted lines)
)
_NOT_SECRET_PREFIXES = ("LC_", "XDG_", "MODELPLANE_")


def secret_variable(name: str) -> str:
    """`name`, unless it is a well-known variable that never holds a secret."""
    upper = name.upper()
    if upper in _NOT_SECRETS or upper.startswith(_NOT_SECRET_PREFIXES):
        raise ValueError(
            f"{name} is a well-known variable that does not hold a secret; "
            "name the variable that holds this provider's key"
        )
    return name


def no_userinfo(url: str) -> str:
    """`url`, unless it carries user:password@ (printed in errors, sent as Basic auth)."""
    if "@" in urlsplit(url).netloc:
        raise ValueError(
            "the URL carries a user or password (user:pass@host); it would be printed and "
            "sent as Basic auth: put the key in credentials and remove it from the URL"
        )
    return url
