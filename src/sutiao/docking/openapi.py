"""The docking v1 contract as an OpenAPI 3.1 document, built from the pydantic schemas themselves so the
published contract and the validator cannot drift apart."""

import functools

from pydantic.json_schema import models_json_schema

from .schemas import (
    MESSAGE_CLASSES,
    BatchReceipt,
    BatchRequest,
    CaseSummaries,
    CourtList,
    FeedPage,
    Receipt,
    ReceivedHeads,
    Refusal,
    Statistics,
    type_of,
)

SIGNATURE_NOTE = (
    "每个请求以 RFC 9421 HTTP Message Signatures 签名（Ed25519，标签 sutiao，tag sutiao-docking-v1），"
    "覆盖 @method、@path、content-type 与 RFC 9530 Content-Digest，并带 created、expires、nonce、keyid。"
    "回执以同样方式签名，覆盖 @status、content-type、content-digest。"
    "拒绝（Refusal）带 final 字段：final 为 true 表示接收方已在业务上最终拒绝并记录该消息"
    "（同一案件的后续消息照常处理），发送方不再重试、搁置该消息；"
    "final 为 false 表示原因可能消除（如前序消息尚在途中），发送方按退避重试。"
    "是否最终由拒绝的平台决定，对接规范不列举各平台的业务拒绝代码。"
)


REFUSALS = {
    "400": "报文格式错误或内容摘要不符",
    "401": "签名缺失、无效、过期、密钥未知或重放",
    "413": "报文过大",
    "415": "报文类型错误",
    "422": "不符合对接规范",
}
READ_REFUSALS = {"400": "参数无效", "401": "签名缺失、无效、过期或密钥未知"}
PAGING = [
    {"name": "after", "in": "query", "required": False, "schema": {"type": "string"}, "description": "游标"},
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]


def _json(name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


@functools.cache
def openapi_document() -> dict:
    models = [(m, "validation") for m in MESSAGE_CLASSES] + [
        (BatchRequest, "validation"),
        *[
            (m, "serialization")
            for m in (Receipt, Refusal, BatchReceipt, FeedPage, CaseSummaries, CourtList, ReceivedHeads, Statistics)
        ],
    ]
    _, schema = models_json_schema(models, ref_template="#/components/schemas/{model}")
    components = schema.get("$defs", {})
    message_refs = [{"$ref": f"#/components/schemas/{m.__name__}"} for m in MESSAGE_CLASSES]
    components["Message"] = {
        "oneOf": message_refs,
        "discriminator": {
            "propertyName": "type",
            "mapping": {str(type_of(m)): f"#/components/schemas/{m.__name__}" for m in MESSAGE_CLASSES},
        },
    }
    refusal = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    receipt = {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "诉调通“总对总”对接接口", "version": "1", "description": SIGNATURE_NOTE},
        "paths": {
            "/docking/v1/messages": {
                "post": {
                    "operationId": "postMessage",
                    "summary": "投递一条对接消息",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
                    },
                    "responses": {
                        "200": {"description": "已处理（或重复消息，已确认）", "content": receipt},
                        "202": {"description": "已接收，等待同一案件的前序消息", "content": receipt},
                        "400": {"description": "报文格式错误或内容摘要不符", "content": refusal},
                        "401": {"description": "签名缺失、无效、过期、密钥未知或重放", "content": refusal},
                        "403": {"description": "接收方或发送方不符", "content": refusal},
                        "409": {"description": "消息标识或序号冲突", "content": refusal},
                        "413": {"description": "报文过大", "content": refusal},
                        "415": {"description": "报文类型错误", "content": refusal},
                        "422": {"description": "不符合对接规范，或业务上拒绝", "content": refusal},
                    },
                }
            },
            "/docking/v1/batches": {
                "post": {
                    "operationId": "postBatch",
                    "summary": "投递一批对接消息（一个签名，每条消息各有回执或拒绝）",
                    "requestBody": {"required": True, "content": _json("BatchRequest")},
                    "responses": {
                        "200": {"description": "每条消息的回执或拒绝，按发送顺序", "content": _json("BatchReceipt")},
                        **{code: {"description": text, "content": refusal} for code, text in REFUSALS.items()},
                    },
                }
            },
            "/docking/v1/feed": {
                "get": {
                    "operationId": "getFeed",
                    "summary": "补拉：本平台发给请求方的消息（签名、游标分页）",
                    "parameters": PAGING,
                    "responses": {
                        "200": {"description": "一页消息", "content": _json("FeedPage")},
                        **{code: {"description": text, "content": refusal} for code, text in READ_REFUSALS.items()},
                    },
                }
            },
            "/docking/v1/cases": {
                "get": {
                    "operationId": "getCaseSummaries",
                    "summary": "对账：本平台与请求方共有案件的逐案摘要（签名、分页）",
                    "parameters": PAGING,
                    "responses": {
                        "200": {"description": "一页案件摘要", "content": _json("CaseSummaries")},
                        **{code: {"description": text, "content": refusal} for code, text in READ_REFUSALS.items()},
                    },
                }
            },
            "/docking/v1/audit-heads": {
                "get": {
                    "operationId": "getAuditHeads",
                    "summary": "审计链头：本平台收到的请求方审计日志链头（签名、游标分页），供请求方核对历史未被改写",
                    "parameters": PAGING,
                    "responses": {
                        "200": {"description": "一页链头", "content": _json("ReceivedHeads")},
                        **{code: {"description": text, "content": refusal} for code, text in READ_REFUSALS.items()},
                    },
                }
            },
            "/docking/v1/statistics": {
                "get": {
                    "operationId": "getStatistics",
                    "summary": "统计：与请求方共有、在该期间委派的案件，按法院、组织、方式与状态计数（签名）",
                    "parameters": [
                        *[
                            {"name": n, "in": "query", "required": True, "schema": {"type": "string", "format": "date"}}
                            for n in ("start", "end")
                        ],
                        {
                            "name": "adoption",
                            "in": "query",
                            "required": False,
                            "description": "为 1 时另附按地区的接入情况（adoption）；不请求则不附，旧版请求方照常读取",
                            "schema": {"type": "string", "enum": ["1"]},
                        },
                        {
                            "name": "cases_by_region",
                            "in": "query",
                            "required": False,
                            "description": "为 1 时另附按案件所属地区（法院案号中法院代字所属省份）、方式与状态的计数"
                            "（cases_by_region）；不请求则不附，旧版请求方照常读取",
                            "schema": {"type": "string", "enum": ["1"]},
                        },
                    ],
                    "responses": {
                        "200": {"description": "该期间的计数", "content": _json("Statistics")},
                        **{code: {"description": text, "content": refusal} for code, text in READ_REFUSALS.items()},
                    },
                }
            },
            "/docking/v1/courts": {
                "get": {
                    "operationId": "getCourts",
                    "summary": "法院名录：本平台的各级人民法院（签名；投资者网平台据此推送名册）",
                    "responses": {
                        "200": {"description": "全部法院", "content": _json("CourtList")},
                        **{code: {"description": text, "content": refusal} for code, text in READ_REFUSALS.items()},
                    },
                }
            },
            "/docking/v1/documents/{sha256}": {
                "get": {
                    "operationId": "getDocument",
                    "summary": "取文件：按 SHA-256 取本平台向请求方共享的文件（签名；消息只写校验值，不带文件）",
                    "parameters": [
                        {
                            "name": "sha256",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            "description": "文件的 SHA-256（小写十六进制）",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "文件内容（应答签名覆盖其 Content-Digest；接收方须核对 SHA-256）",
                            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                        },
                        **{code: {"description": text, "content": refusal} for code, text in READ_REFUSALS.items()},
                        "404": {"description": "文件不存在，或未向请求方共享", "content": refusal},
                        "503": {"description": "文件在存储中缺失或已被改动", "content": refusal},
                    },
                }
            },
        },
        "components": {"schemas": components},
    }
