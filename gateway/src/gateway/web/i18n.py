"""Every code a page shows, in words: zh-CN by default, English on request.

`words(lang, group, code)` names a status, action, channel, severity, kind, disposition, hold,
record type, circumstance or role; `text(lang, key)` is the wording of the pages themselves.
An unknown code is shown as itself only so a new one is never hidden; the tests check that
every code of the lifecycle and the schema has words in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping

ZH, EN = "zh-CN", "en"

# group → code → (zh-CN, en)
CODES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "status": {
        "received": ("待受理", "received"), "accepted": ("已受理待分派", "accepted"),
        "assigned": ("已分派", "assigned"), "investigating": ("调查核实中", "investigating"),
        "proposal_made": ("处理意见待审批", "proposal made"),
        "proposal_approved": ("处理意见已审批", "proposal approved"),
        "answered": ("已答复", "answered"), "follow_up": ("已回访", "followed up"),
        "on_hold": ("中止", "on hold"), "transferred": ("已转出", "transferred"),
        "closed": ("已办结", "closed"), "refused": ("不予受理", "refused"),
        "referred": ("已告知/移送", "referred"), "archived": ("已归档", "archived"),
    },
    "action": {
        "accept": ("受理", "accept"), "refuse": ("不予受理", "refuse"),
        "refer": ("告知或移送有权机关", "refer elsewhere"), "assign": ("重新分派", "reassign"),
        "start_investigation": ("开始调查核实", "start investigation"),
        "record_investigation": ("记录调查", "record investigation"),
        "propose": ("提出处理意见", "propose"), "approve_proposal": ("审批通过", "approve"),
        "reject_proposal": ("退回处理意见", "send back the proposal"),
        "answer": ("答复投诉人", "answer"), "follow_up": ("回访", "follow up"),
        "close": ("办结", "close"), "reopen": ("重新处理", "reopen"),
        "hold": ("中止办理", "put on hold"), "resume": ("恢复办理", "resume"),
        "withdraw": ("撤回", "withdraw"), "archive": ("归档", "archive"),
        "reclassify": ("重新分类", "reclassify"),
        "designate_lead": ("指定牵头部门", "name the lead department"),
        "declare_conflict": ("申请回避", "declare a conflict of interest"),
        "link": ("关联案件", "link a case"), "merge": ("合并案件", "merge into a case"),
        "add_note": ("添加内部备注", "add an internal note"),
        "add_material": ("补充材料", "add material"),
        "record_milestone": ("记录节点", "record a milestone"),
        "reveal_identity": ("查看举报人身份", "reveal the reporter's identity"),
        "transfer": ("依法转送", "transfer along a legal path"),
        "return_transfer": ("退回来件机构", "return to the sender"),
        "report_outcome": ("报告处理结果", "report the outcome"),
    },
    "channel": {
        "phone": ("电话", "phone"), "letter": ("来信", "letter"), "visit": ("来访", "visit"),
        "web": ("网上", "web"), "email": ("电子邮件", "e-mail"), "fax": ("传真", "fax"),
        "sms": ("短信", "SMS"), "suggestion_box": ("意见箱", "suggestion box"),
        "referral": ("转办", "referral"), "petition_office": ("信访部门", "petition office"),
        "consumer_association": ("消费者协会", "consumer association"),
        "media": ("媒体", "media"), "transfer": ("机构转送", "transfer"),
    },
    "severity": {
        "一般": ("一般", "ordinary"), "重要": ("重要", "important"),
        "重大": ("重大", "major"), "危机": ("危机", "crisis"),
    },
    "kind": {"complaint": ("投诉", "complaint"), "report": ("举报", "report")},
    "disposition": {
        "resolved": ("已解决", "resolved"), "unfounded": ("投诉不成立", "unfounded"),
        "withdrawn": ("已撤回", "withdrawn"), "mediated": ("调解结案", "mediated"),
        "transferred": ("已转送", "transferred"), "judged": ("判决结案", "judged"),
        "merged": ("已合并", "merged"), "concluded": ("已出结果", "concluded"),
    },
    "hold": {"material": ("等待投诉人补充材料", "waiting for the complainant's material"),
             "appraisal": ("等待鉴定", "waiting for an appraisal"),
             "testing": ("等待检验检测", "waiting for testing"),
             "hearing": ("举行听证（听证时间不计入期限）", "holding a hearing (not counted)")},
    "record_type": {
        "interview_complainant": ("约谈投诉人", "interview with the complainant"),
        "interview_respondent": ("约谈被投诉人", "interview with the respondent"),
        "interview_witness": ("询问证人", "witness interview"),
        "site_inspection": ("现场核查", "site inspection"),
        "document_review": ("查阅资料", "document review"),
        "expert_consultation": ("专家咨询", "expert consultation"),
    },
    "answer_mode": {"written": ("书面", "written"), "oral": ("口头", "oral")},
    "role": {"intake_clerk": ("受理员", "intake clerk"), "handler": ("承办人", "handler"),
             "supervisor": ("主管", "supervisor"), "leader": ("领导", "leader"),
             "admin": ("管理员", "administrator")},
    "circumstance": {
        "compensation": ("要求赔偿", "compensation claimed"), "safety": ("安全问题", "safety"),
        "injury": ("人身伤害", "injury"), "death": ("死亡", "death"),
        "media": ("媒体介入", "media involved"), "lawyer": ("律师介入", "lawyer involved"),
        "police": ("公安介入", "police involved"),
        "consumer_association": ("消协介入", "consumer association involved"),
        "government": ("政府部门介入", "government involved"),
        "litigation": ("诉讼", "litigation"), "disruption": ("扰乱秩序", "disruption"),
        "large_loss": ("重大财产损失", "large loss"),
    },
    # the case and transfers pages (append-only)
    "entry": {
        "received": ("登记受理", "received"), "routed": ("自动分派", "routed"),
        "assigned": ("分派承办人", "assigned"), "handed_over": ("值班移交", "handed over"),
        "deadline_set": ("设定办理时限", "deadline set"), "notified": ("已通知", "notified"),
        "severity": ("等级评定", "severity assessed"),
        "reported": ("报告卫生健康主管部门", "reported to the health authority"),
        "transferred_in": ("外机构转来", "transferred in"),
        "possible_duplicate": ("疑似重复", "possible duplicate"),
        "transfer_withdrawn": ("转送已撤回", "transfer withdrawn"),
        "deadline_warning": ("期限预警", "deadline approaching"),
        "deadline_breach": ("超期", "deadline missed"),
        "deadline_escalated": ("超期升级", "deadline escalated"),
        "transfer_accepted": ("对方已接收", "transfer accepted"),
        "transfer_declined": ("对方拒收", "transfer declined"),
        "transfer_returned": ("对方退回", "transfer returned"),
        "transfer_outcome": ("对方办理结果", "transfer outcome"),
    },
    "transfer_status": {
        "offered": ("待接收", "offered"), "filed": ("已提交", "filed"),
        "accepted": ("已接收", "accepted"), "declined": ("已拒收", "declined"),
        "returned": ("已退回", "returned"), "concluded": ("已办结", "concluded"),
    },
    "clock_state": {"running": ("计时中", "running"), "paused": ("暂停计时", "paused"),
                    "stopped": ("已停止", "stopped")},
    # administration and the deadline ledger
    "unit": {"working_days": ("个工作日", "working days"),
             "calendar_days": ("个自然日", "calendar days"),
             "working_hours": ("个工作小时", "working hours"), "hours": ("小时", "hours"),
             "minutes": ("分钟", "minutes")},
    "proposal_status": {"pending": ("待审批", "pending"), "approved": ("已批准", "approved"),
                        "rejected": ("已退回", "sent back")},
    "referral_mode": {"tell": ("告知投诉人向有权机关提出", "tell the complainant where to go"),
                      "transfer": ("移送有权机关", "transfer to the competent body")},
    "category_source": {"classified": ("关键词自动分类", "classified by keywords"),
                        "staff": ("人工重新分类", "reclassified by staff"),
                        "given": ("登记时选定", "chosen at registration")},
    "template": {       # the notices (notification templates)
        "acknowledgement": ("受理回执", "acknowledgement"),
        "assignment": ("分派通知", "assignment"),
        "deadline_escalated": ("超期升级提醒", "deadline escalated"),
        "deadline_missed": ("超期通知", "deadline missed"),
        "deadline_warning": ("时限预警", "deadline warning"),
        "follow_up_survey": ("回访调查", "follow-up survey"),
        "major_alert": ("重大投诉报告", "major complaint alert"),
        "referral_notice": ("告知或移送通知", "referral notice"),
        "refusal_notice": ("不予受理告知", "refusal notice"),
        "regulator_report": ("向监管部门报告", "report to the regulator"),
        "result_notice": ("处理结果告知", "result notice"),
        "rights_notice": ("医疗纠纷处理告知书", "medical dispute rights notice"),
        "transfer_notice": ("转送告知", "transfer notice"),
        "transfer_offered": ("来件转送待接收", "transfer offered"),
    },
    "timer": {"warning": ("预警时", "at the warning"), "breach": ("超期时", "at the breach")},
    "delivery_status": {"pending": ("待发送", "pending"), "retrying": ("重试中", "retrying"),
                        "delivered": ("已送达", "delivered"), "dead": ("发送失败", "dead")},
    "delivery_channel": {"in_app": ("站内通知", "in-app"), "portal": ("群众端", "portal"),
                         "email": ("电子邮件", "e-mail"), "sms": ("短信", "SMS"),
                         "webhook": ("Webhook", "webhook")},
    "locale": {"zh-CN": ("中文", "Chinese"), "en": ("英文", "English")},
}

# the pages' own words
TEXT: Mapping[str, tuple[str, str]] = {
    "app": ("casebridge 投诉举报纠纷处理平台", "casebridge complaints, reports and disputes"),
    "skip": ("跳到正文", "Skip to content"),
    "signin": ("登录", "Sign in"), "signout": ("退出", "Sign out"),
    "signin.demo": ("演示用户", "Demo users"),
    "signin.demo_hint": ("本地演示环境：选择一位用户即可登录。", "Local demo: pick a user to "
                         "sign in as."),
    "signin.oidc": ("通过单位统一身份认证登录", "Sign in with your institution's identity "
                    "provider"),
    "signin.tenant": ("机构", "Institution"), "signin.user": ("用户", "User"),
    "signin.expired": ("登录已过期，请重新登录。", "Your session has expired; sign in again."),
    "lang": ("语言", "Language"), "lang.switch": ("English", "中文"),
    "nav": ("主导航", "Main navigation"),
    "nav.inbox": ("工单列表", "Inbox"), "nav.register": ("受理登记", "Register"),
    "nav.transfers": ("转送", "Transfers"), "nav.notices": ("通知", "Notices"),
    "nav.ledger": ("时限台账", "Deadline ledger"), "nav.admin": ("系统管理", "Administration"),
    "error": ("出错了", "Something went wrong"), "back": ("返回", "Back"),
    "not_found": ("没有这个页面，或您无权查看。", "No such page, or not one you may see."),
}


def words(lang: str, group: str, code: str) -> str:
    found = CODES.get(group, {}).get(code)
    if found is None:
        return code
    return found[1] if lang == EN else found[0]


def text(lang: str, key: str) -> str:
    found = TEXT.get(key) or _PAGES.get(key)
    if found is None:
        return key
    return found[1] if lang == EN else found[0]


_PAGES: dict[str, tuple[str, str]] = {}


def add(words_of_a_page: Mapping[str, tuple[str, str]]) -> None:
    """A page module's own wording (key → (zh-CN, en)), added when it is imported."""
    clash = set(words_of_a_page) & (set(TEXT) | set(_PAGES))
    assert not clash, f"page wording keys used twice: {sorted(clash)}"
    _PAGES.update(words_of_a_page)
