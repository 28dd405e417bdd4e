"""Where a read request's time goes: the app in this process (a Flask test client, no HTTP server), seeded as
bench/api_reads.py seeds, each shape asked `--requests` times under pyinstrument, with the SQL statements per
request counted.

    .venv/bin/python bench/profile_reads.py [--scale 10000] [--shape list] [--requests 100]

Prints the profile (pyinstrument's text tree) and statements per request; asserts nothing.
"""

import argparse
import cProfile
import os
import pstats

from api_reads import SHAPES
from cryptography.fernet import Fernet
from harness import fresh_database
from pyinstrument import Profiler
from seed import entity, grow, templates
from sqlalchemy import event, text

from service import db
from service.app import create_app
from service.auth import auth_service
from service.config import load_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10000)
    parser.add_argument("--shape", default="list", choices=list(SHAPES))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()

    with fresh_database("ik_profile") as url:
        os.environ.update({"DATABASE_URL": url, "BROKER_URL": "memory://", "LOG_LEVEL": "WARNING",
                           "ENCRYPTION_KEYS": Fernet.generate_key().decode()})
        app = create_app(load_settings())
        _, token = auth_service.create_service_account("bench", "admin")
        grow(templates(), 0, args.scale)
        params = {"entity": entity(7), "resource_id": db.session().scalar(
            text("SELECT id FROM resources OFFSET :n LIMIT 1"), {"n": args.scale // 2})}
        db.session.remove()
        client = app.test_client()
        url_path = "/api/v1" + SHAPES[args.shape][0].format(**params)
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(20):
            assert client.get(url_path, headers=headers).status_code == 200
        statements = []
        event.listen(db.session().get_bind(), "before_cursor_execute",
                     lambda *a: statements.append(a[2].split()[0]))
        if args.cprofile:  # a flat list by own time: which library calls add up
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.get(url_path, headers=headers)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
        else:
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.requests):
                client.get(url_path, headers=headers)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        print(f"SQL statements per request: {len(statements) / args.requests:.1f} "
              f"({', '.join(sorted(set(statements)))})")
        db.session.remove()


if __name__ == "__main__":
    main()
