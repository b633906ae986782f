"""``docent serve``: the local web app (FastAPI, a background worker, a one-page UI).

Usage::

    from docent.web import create_app, serve
    app = create_app(Path("docent-workspace/projects"), settings, max_upload=500 * MB)
    serve(app, host="127.0.0.1", port=8765)

Projects live under the serve root (:mod:`docent.web.projects`), runs and uploads are jobs in
each project's workspace database, executed one at a time by :class:`docent.web.worker.Worker`;
:mod:`docent.web.app` makes the app and includes the routers (``docent.web.api_*``).
"""

from docent.web.app import create_app, is_loopback, serve
from docent.web.projects import DEFAULT_MAX_UPLOAD, MB, Projects
from docent.web.worker import Worker

__all__ = ["DEFAULT_MAX_UPLOAD", "MB", "Projects", "Worker", "create_app", "is_loopback",
           "serve"]
