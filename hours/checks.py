"""A system check that loads the shipped rule files, so a malformed one stops
``manage.py check`` (and every deploy) with its file and line, not a page later."""

from __future__ import annotations

from django.core.checks import Error, register

from hours.rules import RuleError, load_rules


@register()
def rule_files_load(app_configs=None, **kwargs) -> list[Error]:
    try:
        load_rules()
    except RuleError as error:
        return [Error(str(error), hint="Fix the rule file in hours/rules/.", id="hours.E001")]
    return []
