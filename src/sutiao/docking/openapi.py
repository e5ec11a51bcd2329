"""The docking v1 contract as an OpenAPI 3.1 document, built from the pydantic schemas themselves so the
published contract and the validator cannot drift apart."""

import functools

from pydantic.json_schema import models_json_schema

from .schemas import MESSAGE_CLASSES, Receipt, Refusal

SIGNATURE_NOTE = (
    "每个请求以 RFC 9421 HTTP Message Signatures 签名（Ed25519，标签 sutiao，tag sutiao-docking-v1），"
    "覆盖 @method、@path、content-type 与 RFC 9530 Content-Digest，并带 created、expires、nonce、keyid。"
    "回执以同样方式签名，覆盖 @status、content-type、content-digest。"
)


@functools.cache
def openapi_document() -> dict:
    models = [(m, "validation") for m in MESSAGE_CLASSES] + [(Receipt, "serialization"), (Refusal, "serialization")]
    _, schema = models_json_schema(models, ref_template="#/components/schemas/{model}")
    components = schema.get("$defs", {})
    message_refs = [{"$ref": f"#/components/schemas/{m.__name__}"} for m in MESSAGE_CLASSES]
    components["Message"] = {
        "oneOf": message_refs,
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                m.model_fields["type"].annotation.__args__[0]: f"#/components/schemas/{m.__name__}"
                for m in MESSAGE_CLASSES
            },
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
            }
        },
        "components": {"schemas": components},
    }
