"""The consent a person gives when filing online: the processing of the personal information
in the filing (《中华人民共和国个人信息保护法》第十三条、第十四条; sensitive information such as
health data, 第二十九条). Its version is recorded with each filing; change the version with
the text."""

CONSENT_VERSION = "pipl-2026-1"
CONSENT_TEXT = (  # zh-CN: the text agreed to; the page shows an English rendering
    "本人同意本机构为受理、办理和答复本次投诉或举报而处理所填写的个人信息（包括姓名、电话、"
    "地址及所述事实中的个人信息，其中可能含有医疗健康等敏感个人信息），并可依法转交有管辖权的"
    "机构办理；除法律另有规定外不作他用。（依据《中华人民共和国个人信息保护法》第十三条、"
    "第十四条、第二十九条）")
CONSENT_TEXT_EN = (
    "I agree that this institution processes the personal information I give here (name, "
    "phone, address and any personal information in the facts, which may include sensitive "
    "health information) to take in, handle and answer this complaint or report, and may pass "
    "it on to the competent authority; for no other purpose unless the law requires "
    "(Personal Information Protection Law of the PRC, Articles 13, 14 and 29).")
