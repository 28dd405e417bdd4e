"""The base of the row factories: rows go through the test's session, are flushed (so ids and defaults are
set) and then expired, so that what a test reads next comes from the database, not from the factory's object."""

import factory

from service import db


class RowFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = db.session
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row = super()._create(model_class, *args, **kwargs)
        db.session().expire_all()
        return row
