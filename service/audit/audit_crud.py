from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.audit.audit_model import AuditLog


def add_audit_log(session: Session, entry: AuditLog) -> AuditLog:
    session.add(entry)
    return entry


def select_audit_logs(entity_id=None, actor=None, action=None, entity_type=None) -> Select:
    query = select(AuditLog)
    if entity_id:
        query = query.where(AuditLog.entity_id == str(entity_id))
    if actor:
        query = query.where(AuditLog.actor == actor)
    if action:
        query = query.where(AuditLog.action == action)
    if entity_type:
        query = query.where(AuditLog.entity_type == entity_type)
    return query
