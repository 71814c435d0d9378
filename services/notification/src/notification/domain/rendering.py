"""What people are told, as Jinja2 templates a tenant may override: subject, body and SMS.

The default wording lives in `notification/templates/<locale>/<name>.txt`, three sections
(`=== subject ===`, `=== body ===`, `=== sms ===`); zh-CN is authoritative. Every template
runs in a sandbox with strict undefined, so a tenant's override can neither reach Python
internals nor silently drop a variable. The SMS only ever sees non-personal keys.
"""

from __future__ import annotations

import logging
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, pass_context
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SECTIONS = ("subject", "body", "sms")
_MARKER = re.compile(r"^=== (subject|body|sms) ===[ \t]*\n", re.MULTILINE)
# The only keys an SMS may use: no names, phones, reasons or free text about the complainant.
SMS_KEYS = frozenset({
    "locale", "case_number", "anonymous", "transferred", "due_at", "severity", "clock", "death",
    "rung_title", "off_hours", "institution", "period", "breaches", "threshold",
})
MAX_SOURCE = 20_000   # characters per section of a tenant's override
MAX_SIZE = 100_000    # `'x' * n` and `n ** m` in a template: enough for text, not for a DoS
_DUE = datetime(2026, 11, 26, 16, tzinfo=UTC)   # 2026-11-27 00:00 in Shanghai: "26日 24:00"

# Each template's sample context: its keys are the template's contract with the handlers.
SAMPLES: dict[str, dict[str, Any]] = {
    "acknowledgement": {
        "case_number": "HOSP-2026-000007", "complainant_name": "张三", "anonymous": False,
        "due_at": _DUE, "rule": "简单投诉3个工作日内答复（医院投诉管理办法第十九条）",
        "portal_url": "https://cb.example.cn/portal"},
    "refusal_notice": {
        "case_number": "CC-2026-000002", "complainant_name": "张三",
        "reason": "投诉事项已由人民法院受理", "competent_body": "县人民法院",
        "notice": "如对本决定不服，可依法申请行政复议或者提起行政诉讼。"},
    # 《医疗纠纷预防和处理条例》第二十三条: the routes, sealing and copying, and after a death the
    # autopsy rules; sent when the hospital records the milestone rights_informed
    "rights_notice": {"case_number": "HOSP-2026-000013", "complainant_name": "张三",
                      "death": True},
    "referral_notice": {
        "case_number": "CC-2026-000003", "complainant_name": "张三",
        "competent_body": "县卫生健康局", "transferred": True},
    "transfer_offered": {
        "institution": "demo-hospital", "case_number": "HOSP-2026-000012",
        "path_title": "人民调解（医疗纠纷人民调解委员会）"},
    "transfer_notice": {
        "case_number": "HOSP-2026-000011", "complainant_name": "张三",
        "receiver": "示范县医疗纠纷人民调解委员会（人民调解）"},
    "result_notice": {
        "case_number": "CC-2026-000004", "complainant_name": "张三",
        "answer_summary": "经调解，商家同意退还货款并赔偿损失。", "amount_fen": 3_000_000,
        "objection": "如对处理结果有异议，可自收到本告知之日起15日内向县市场监督管理局申请复核。",
        "portal_url": "https://cb.example.cn/portal"},
    "follow_up_survey": {
        "case_number": "HOSP-2026-000005", "complainant_name": "张三",
        "survey_url": "https://cb.example.cn/s/7f3a9c"},
    "assignment": {
        "case_number": "HOSP-2026-000006", "category": "医疗质量", "severity": "重要",
        "due_at": _DUE, "department": "医务处", "complainant_name": "张三",
        "contact_phone": "13800138000"},
    **{name: {
        "case_number": "HOSP-2026-000010", "clock": "answer_simple", "due_at": _DUE,
        "rule": "简单投诉3个工作日内答复（医院投诉管理办法第十九条）",
        "rung_title": "分管院长", "department": "医务处", "off_hours": True,
        "audiences": ["role:leadership", "department:医务处", "on_duty"]}
       for name in ("deadline_warning", "deadline_missed", "deadline_escalated")},
    "major_alert": {
        "case_number": "HOSP-2026-000009", "severity": "危机", "audience": "leadership",
        "reasons": ["患者死亡", "媒体介入"]},
    "regulator_report": {
        "institution": "county-hospital-1", "period": "2026-11", "breaches": 4,
        "threshold": 3, "case_numbers": ["HOSP-2026-000010", "HOSP-2026-000012"]},
}

# Domain words as each locale says them: audiences, roles and severities.
LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {"complaint_office": "投诉管理部门", "leadership": "分管领导",
              "regulator": "卫生主管部门（重大医疗纠纷报告）",
              "security": "保卫部门", "supervisor": "监管科室", "leader": "机构负责人",
              "on_duty": "总值班", "handler": "经办人", "first_contact": "首问责任人",
              "user": "责任人"},
    "en": {"complaint_office": "complaint office", "leadership": "leadership",
           "regulator": "the health authority (major dispute report)",
           "security": "security office", "supervisor": "supervisors", "leader": "head",
           "on_duty": "duty officer (总值班)", "handler": "handler",
           "first_contact": "first-contact officer (首问责任人)", "user": "person responsible",
           "一般": "ordinary", "重要": "important", "重大": "major", "危机": "crisis"},
}


class UnknownTemplate(LookupError):
    """No template of that name."""


class RenderError(Exception):
    """A template failed to compile or render: where, and why."""

    def __init__(self, template: str, section: str, line: int | None, reason: str) -> None:
        self.template, self.section, self.line, self.reason = template, section, line, reason
        super().__init__(f"{template} {self.where}: {reason}")

    @property
    def where(self) -> str:
        return f"{self.section} line {self.line}" if self.line else self.section


@dataclass(frozen=True)
class Source:
    """A template's source; in a tenant's override, None keeps the default's section."""

    subject: str | None = None
    body: str | None = None
    sms: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A notice ready to send: a one-line subject, a plain-text body, a one-line SMS."""

    subject: str
    body: str
    sms: str


Overrides = Mapping[tuple[str, str], Source]


def render(name: str, locale: str, context: Mapping[str, Any], *,
           overrides: Overrides | None = None) -> Rendered:
    """The notice `name` in `locale` (zh-CN when unknown), the tenant's override first.

    A broken override falls back to the default: a legally due notice (受理回执, 不予受理
    告知书) must still go out. A context missing a variable fails either way.
    """
    locale = resolve_locale(locale)
    default = _default(name, locale)
    override = (overrides or {}).get((name, locale))
    if override is not None:
        try:
            return _render(f"{name}/{locale}", _merge(default, override), context, locale)
        except RenderError as error:
            log.warning("override failed, default used: %s", error)
    return _render(f"{name}/{locale}", default, context, locale)


def validate(source_subject: str | None, source_body: str | None, source_sms: str | None,
             name: str, *, locale: str = DEFAULT_LOCALE) -> list[str]:
    """What is wrong with a tenant's override of `name` (None: section kept), rendered in the
    sandbox with the template's sample context: e.g. "body line 3: 'case_numbr' is undefined"."""
    locale = resolve_locale(locale)
    sample = SAMPLES.get(name)
    if sample is None:
        raise UnknownTemplate(name)
    given = dict(zip(SECTIONS, (source_subject, source_body, source_sms), strict=True))
    errors: list[str] = []
    for section, source in given.items():
        if source is None:
            continue
        if len(source) > MAX_SOURCE:
            errors.append(f"{section}: longer than {MAX_SOURCE} characters")
            continue
        errors.extend(_check(name, section, source, _context(section, sample, locale)))
    return errors


def resolve_locale(locale: str) -> str:
    """A supported locale: exact ("en"), by language ("en-US" → "en"), else zh-CN."""
    wanted = (locale or "").replace("_", "-").lower()
    for known in LOCALES:
        if wanted == known.lower():
            return known
    language = wanted.split("-")[0]
    return next((k for k in LOCALES if k.split("-")[0] == language), DEFAULT_LOCALE)


def _check(name: str, section: str, source: str, context: Mapping[str, Any]) -> list[str]:
    try:
        text = _run(name, section, source, context)
    except RenderError as error:
        hint = ""
        if section == "sms" and "undefined" in error.reason:
            hint = f" (an SMS may only use: {', '.join(sorted(SMS_KEYS - {'locale'}))})"
        return [f"{error.where}: {error.reason}{hint}"]
    text = _one_line(text)
    if section != "body" and not text:
        return [f"{section}: renders empty"]
    if section == "sms" and len(text) > _sms_limit(text):
        return [f"sms: {len(text)} characters with the sample, at most {_sms_limit(text)}"]
    return []


def _sms_limit(text: str) -> int:
    """One SMS segment: 70 characters in UCS-2 (any Chinese), 160 in plain GSM text."""
    return 160 if text.isascii() else 70


def _render(label: str, source: Source, context: Mapping[str, Any], locale: str) -> Rendered:
    assert source.subject is not None and source.body is not None and source.sms is not None
    run = {s: _run(label, s, getattr(source, s), _context(s, context, locale)) for s in SECTIONS}
    return Rendered(subject=_one_line(run["subject"]), body=run["body"].strip(),
                    sms=_one_line(run["sms"]))


def _context(section: str, context: Mapping[str, Any], locale: str) -> dict[str, Any]:
    full = {**context, "locale": locale}
    return {k: v for k, v in full.items() if k in SMS_KEYS} if section == "sms" else full


def _run(label: str, section: str, source: str, context: Mapping[str, Any]) -> str:
    try:
        return _compile(source).render(context)
    except TemplateSyntaxError as error:
        raise RenderError(label, section, error.lineno, error.message or str(error)) from error
    except (TemplateError, ValueError, TypeError, ArithmeticError) as error:
        raise RenderError(label, section, _template_line(error), str(error)) from error


def _template_line(error: BaseException) -> int | None:
    """The template line being rendered when `error` was raised (Jinja maps its frames)."""
    line, tb = None, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _one_line(text: str) -> str:
    """Subjects and SMS are single lines: no header injection, no stray blank lines."""
    return " ".join(text.split())


def _merge(default: Source, override: Source) -> Source:
    return replace(default, **{s: getattr(override, s) for s in SECTIONS
                               if getattr(override, s) is not None})


def default(name: str, locale: str) -> Source:
    """The shipped wording of `name` in `locale` (zh-CN when unknown)."""
    return _default(name, resolve_locale(locale))


@lru_cache(maxsize=64)
def _default(name: str, locale: str) -> Source:
    if name not in SAMPLES:
        raise UnknownTemplate(f"no template named {name!r}; known: {', '.join(SAMPLES)}")
    path = TEMPLATES_DIR / locale / f"{name}.txt"
    return parse(path.read_text(encoding="utf-8"), where=str(path))


def parse(text: str, *, where: str = "template") -> Source:
    """A template file's three sections, each numbered from the line after its marker."""
    parts = _MARKER.split(text)
    if parts[0].strip() or tuple(parts[1::2]) != SECTIONS:
        raise ValueError(f"{where}: needs '=== subject ===', '=== body ===', '=== sms ==='")
    subject, body, sms = (p.rstrip() for p in parts[2::2])
    return Source(subject=subject, body=body, sms=sms)


@lru_cache(maxsize=512)
def _compile(source: str) -> Template:
    return _environment().from_string(source)


@lru_cache(maxsize=1)
def _environment() -> _Sandbox:
    # Plain text, never HTML: escaping would put "&lt;" into an SMS (S701 is about HTML).
    env = _Sandbox(undefined=StrictUndefined, autoescape=False,  # noqa: S701
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters.update(local=local, yuan=yuan, label=label)
    return env


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, also refusing `'x' * 10**9`-style memory bombs (ranges it caps itself)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**" and _huge_power(left, right):
            raise SecurityError(f"'**' giving a number over {MAX_SIZE} bits is not allowed")
        if operator_ == "*" and _huge_repeat(left, right):
            raise SecurityError(f"repeating text or a list to over {MAX_SIZE} items")
        return {"*": operator.mul, "**": operator.pow}[operator_](left, right)


def _huge_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return False
    return abs(base).bit_length() * exponent > MAX_SIZE


def _huge_repeat(left: Any, right: Any) -> bool:
    for items, times in ((left, right), (right, left)):
        if isinstance(items, str | list | tuple) and isinstance(times, int):
            return len(items) * times > MAX_SIZE
    return False


def local(moment: datetime) -> str:
    """Asia/Shanghai wall time; a moment at 00:00 is "<previous day> 24:00", since legal
    deadlines run to 24:00 of their last day."""
    _given(moment)
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"local needs a timezone-aware datetime, not {moment!r}")
    at = moment.astimezone(SHANGHAI)
    if at.time() == time(0):
        return f"{at - timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{at:%Y-%m-%d %H:%M}"


def yuan(amount_fen: int) -> str:
    """Money in 元 from fen (分): 3000000 → "30,000.00 元"."""
    _given(amount_fen)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError(f"yuan needs an amount in fen (int), not {amount_fen!r}")
    return f"{Decimal(amount_fen) / 100:,.2f} 元"


@pass_context
def label(context: Context, value: str) -> str:
    """A domain word in the template's locale: "role:leadership" → 分管领导, 危机 → crisis."""
    _given(value)
    words = LABELS.get(context.get("locale", DEFAULT_LOCALE), LABELS[DEFAULT_LOCALE])
    kind, _, rest = str(value).partition(":")
    if rest and kind == "department":
        return rest
    if rest and kind == "user":
        return words["user"]
    return words.get(rest if rest and kind == "role" else value, str(value))


def _given(value: Any) -> None:
    """A filter given a missing variable fails as `'due_at' is undefined`, not on its type."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
