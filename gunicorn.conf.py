"""gunicorn's settings for the planner (read from the working folder, or with --config): an access
log on standard output in which private proposal links and feed tokens are masked."""

from gunicorn.glogging import Logger

from planner.log_masking import MaskSecrets

accesslog = "-"
# gunicorn 25+ listens on one control socket per user ($HOME/.gunicorn/gunicorn.ctl): several
# instances on one machine, as the README runs them, would take it from each other, and
# stopping one would remove it for all. The planner is managed by signals, as before.
control_socket_disable = True


class MaskedLogger(Logger):
    """gunicorn's logger, with the access and error logs passed through the app's mask."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, MaskSecrets) for f in log.filters):
                log.addFilter(MaskSecrets())


logger_class = MaskedLogger
