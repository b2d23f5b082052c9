"""RCA Workbench: a guided root-cause-analysis workbench for adult social care."""

from __future__ import annotations

from typing import Any

from flask import Flask

from rca import config as rca_config
from rca.validation import IdConverter

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI commands and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any rule is added
    rca_config.load(app, config)

    # The areas are imported here, not at the top: this file runs before every ``rca.*`` module
    # is imported, so top-level imports would load every area, and WeasyPrint (rca.reports),
    # networkx (rca.graph) and huey (rca.jobs) with them, into each ``import rca.wording``.
    from rca.audit import recorder
    from rca.db import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    recorder.install()
    _import_models()
    _import_job_areas()
    import rca.guidance.gate  # noqa: F401  (registers the fishbone's conclusion check)
    from rca.graph import freshness

    freshness.install()

    from rca import security
    from rca.accounts import login

    security.init_app(app)
    login.init_app(app)

    from rca.accounts.admin import bp as admin_bp
    from rca.accounts.views import bp as accounts_bp
    from rca.api import init_app as init_api
    from rca.evidence.views import bp as evidence_bp
    from rca.reviews.views import bp as reviews_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(evidence_bp)
    from rca.actions.views import bp as actions_bp
    from rca.fishbone.meeting_views import bp as meeting_bp
    from rca.fishbone.views import bp as fishbone_bp
    from rca.guidance.views import bp as guidance_bp
    from rca.reports.views import bp as reports_bp
    from rca.timeline.views import bp as timeline_bp

    app.register_blueprint(timeline_bp)
    app.register_blueprint(fishbone_bp)
    app.register_blueprint(meeting_bp)
    app.register_blueprint(guidance_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(reports_bp)
    from rca.graph.views import bp as learning_bp

    app.register_blueprint(learning_bp)
    from rca.governance.pattern_views import bp as patterns_bp

    app.register_blueprint(patterns_bp)
    from rca.governance.suggestion_views import bp as suggestions_bp

    app.register_blueprint(suggestions_bp)
    from rca.governance.dashboard_views import bp as dashboard_bp
    from rca.governance.inspection_views import bp as inspection_bp
    from rca.governance.statement_views import bp as quality_statements_bp

    app.register_blueprint(inspection_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(quality_statements_bp)
    init_api(app)

    from rca.accounts.cli import register as register_account_cli
    from rca.demo.cli import register as register_demo_cli
    from rca.evidence.cli import register as register_evidence_cli
    from rca.portability.cli import register as register_portability_cli
    from rca.provider.cli import register as register_provider_cli
    from rca.reports.cli import register as register_report_cli

    register_provider_cli(app)
    register_account_cli(app)
    register_demo_cli(app)
    register_evidence_cli(app)
    register_report_cli(app)
    register_portability_cli(app)

    from rca.templating import init_app as init_templating

    init_templating(app)
    return app


def _import_job_areas() -> None:
    """Import every area's job module, so each Jobs built knows every task (``job_area``).

    Only when an app is built, as in ``create_app``: huey and the areas stay out of ``import rca``.
    """
    import rca.evidence.import_job
    import rca.graph.jobs
    import rca.reports.jobs  # noqa: F401


def _import_models() -> None:
    """Import every models module so metadata (and Alembic) sees every table.

    Only when an app is built, as in ``create_app``: ``import rca`` does not load every area.
    """
    import rca.accounts.models
    import rca.actions.models
    import rca.audit.models
    import rca.evidence.models
    import rca.fishbone.meeting_models
    import rca.fishbone.models
    import rca.governance.pack_models
    import rca.governance.pattern_models
    import rca.governance.statement_models
    import rca.governance.suggestion_models
    import rca.graph.models
    import rca.guidance.models
    import rca.provider.models
    import rca.reports.models
    import rca.reviews.models  # noqa: F401
    import rca.timeline.models  # noqa: F401
