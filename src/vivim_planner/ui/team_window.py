"""Team plans in the window: File > Open Team Plan…, Team > History…, the offline banner and the
live link that applies other clients' edits as they arrive.

:func:`install_team` is the one hook :class:`~.main_window.MainWindow` calls; it adds the actions
and a :class:`TeamLink` that follows the controller's document: while it is a
:class:`~vivim_planner.storage.postgres.TeamDocument`, a ``QSocketNotifier`` on its LISTEN
connection wakes the link when another client commits, :meth:`TeamDocument.poll` applies the
edits and the controller refreshes exactly the changed cells (the same ``changed`` signal a local
edit emits). A timer checks the server every few seconds; when it is gone the banner says so,
the plan is read-only, and the link reconnects once it answers again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QLineEdit, QMessageBox, QSizePolicy, QToolBar

from ..domain import PlanError
from ..storage.postgres_url import is_team_url
from ..storage.postgres_url import open_document as _open_document

CHECK_MS = 3000
"""How often the link checks a team plan's server (and retries one that went away), in ms."""


def ask_password(location) -> str | None:  # noqa: ANN001 - TeamLocation
    """A password dialog for a server that wants one (None: cancelled)."""
    text, ok = QInputDialog.getText(None, "Password", f"Password for {location.server()}:", QLineEdit.Password)
    return text if ok and text else None


def open_document(location: str, readonly: bool = False, password_prompt=ask_password):  # noqa: ANN001, ANN201
    """Open a ``.vivim`` path or a team URL, asking for a password in a dialog if needed."""
    return _open_document(location, readonly=readonly, password_prompt=password_prompt)


def is_team(document) -> bool:  # noqa: ANN001
    return hasattr(document, "poll") and hasattr(document, "history")


class TeamLink(QObject):
    """Keeps a window's team document live: notifications in, offline banner, reconnects."""

    def __init__(self, window):  # noqa: ANN001 - MainWindow
        super().__init__(window)
        self.window, self.controller = window, window.controller
        self._notifier: QSocketNotifier | None = None
        self._epoch = -1
        self.banner = QToolBar("Team plan", window)
        self.banner.setMovable(False)
        self.banner.setObjectName("team_banner")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.banner_label.setStyleSheet("background: #fdecea; color: #7a1c12; padding: 6px; font-weight: bold;")
        self.banner.addWidget(self.banner_label)
        window.addToolBarBreak()
        window.addToolBar(self.banner)
        self.banner.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.controller.document_replaced.connect(self.attach)
        self.attach()

    @property
    def document(self):  # noqa: ANN201
        return self.controller.document

    def attach(self) -> None:
        """Follow the controller's (new) document."""
        doc = self.document
        self._drop_notifier()
        if not is_team(doc):
            self.timer.stop()
            self.banner.hide()
            return
        doc.on_remote = lambda cs: QTimer.singleShot(0, lambda: self._refresh(cs))
        doc.on_close = self._drop_notifier
        self._watch()
        self.timer.start()
        self._show_state()

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    def _watch(self) -> None:
        doc = self.document
        fd = doc.listen_socket()
        if fd is None or doc.epoch == self._epoch and self._notifier is not None:
            return
        self._drop_notifier()
        self._epoch = doc.epoch
        self._notifier = QSocketNotifier(fd, QSocketNotifier.Read, self)
        self._notifier.activated.connect(self.poll)

    def _editing(self) -> bool:
        """True while a grid's cell editor is open: other clients' edits wait until it closes,
        so the typed value is checked against what the user saw (and refused if that changed)."""
        from .grid import GridView

        w = QApplication.focusWidget()
        if w is None or isinstance(w, GridView):
            return False
        while w is not None and not isinstance(w, GridView):
            w = w.parentWidget()
        return w is not None

    def poll(self, *_args) -> None:  # noqa: ANN002
        """Apply what other clients committed; refresh the views from that ChangeSet."""
        doc = self.document
        if not is_team(doc):
            return
        if self._editing():
            if doc.typing_since is None:
                doc.typing_since = doc.revision  # the value being typed is checked against this
            if self._notifier is not None:
                self._notifier.setEnabled(False)  # the socket stays readable: no busy loop meanwhile
            QTimer.singleShot(200, self.poll)
            return
        if self._notifier is not None:
            self._notifier.setEnabled(True)
        if doc.typing_since is not None:  # an editor closed without committing (Escape)
            QTimer.singleShot(500, lambda: setattr(doc, "typing_since", None))
        was_offline = doc.offline
        cs = doc.poll()
        if doc.offline and not was_offline:
            self._drop_notifier()
            self._show_state()
            return
        self._refresh(cs)

    def _refresh(self, cs) -> None:  # noqa: ANN001
        """Recompute and refresh the views for another client's ChangeSet. A refusal in the
        status bar stays (the window clears it after an edit of the user's own only)."""
        if cs:
            message = self.window.statusBar().currentMessage()
            self.controller._after(cs)
            self.window._update_info()
            if message and not self.window.statusBar().currentMessage():
                self.window.show_message(message)

    def check(self) -> None:
        """Timer: notice a server that went away, reconnect one that came back."""
        doc = self.document
        if not is_team(doc):
            return
        if doc.offline is None:
            if doc.check():
                self.poll()
                return
            self._drop_notifier()
            self._show_state()
            return
        cs = doc.reconnect()
        if cs is not None:
            self._watch()
            self._show_state()
            self.window.show_message(f"Back online: {doc.display()}; edits are saved to the server again")
            self._refresh(cs)

    def _show_state(self) -> None:
        doc = self.document
        if doc.offline:
            self.banner_label.setText(f"Offline: {doc.offline}. Every edit acknowledged before is on the server; "
                                      f"new edits are refused with a message until it answers again (checked "
                                      f"every {self.timer.interval() / 1000:g} s).")
            self.banner.show()
            self.window.show_message(f"Offline: {doc.offline}")
        else:
            self.banner.hide()
        self.window._update_info()


def install_team(window) -> TeamLink:  # noqa: ANN001 - MainWindow
    """Add File > Open Team Plan…, a Team menu (Open Team Plan…, History…) and the live link to ``window``."""
    from .team_history import show_history

    link = TeamLink(window)
    window.team_link = link
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions() if a.menu()}
    file_menu = menus["File"]
    anchor = next((a for a in file_menu.actions() if a.text().replace("&", "").startswith("Save")), None)
    act = QAction("Open &Team Plan…", window)
    act.setToolTip("Open a plan shared on a PostgreSQL server (postgresql://user@host/database?plan=NAME)")
    act.triggered.connect(lambda: open_team_dialog(window))
    file_menu.insertAction(anchor, act)
    window.open_team_action = act
    help_action = next(a for a in window.menuBar().actions() if a.text().replace("&", "") == "Help")
    team_menu = QMenu("&Team", window)
    window.menuBar().insertMenu(help_action, team_menu)
    team_menu.addAction(act)
    hist = QAction("&History…", window)
    hist.setShortcut("Ctrl+H")
    hist.setToolTip("Who changed which cell when (team plans)")
    hist.triggered.connect(lambda: show_history(window))
    team_menu.addAction(hist)
    window.history_action = hist
    return link


def open_team_dialog(window, url: str | None = None) -> bool:  # noqa: ANN001
    """Ask for a team plan's URL and open it in ``window``; a refusal gets a dialog."""
    if url is None:
        url, ok = QInputDialog.getText(window, "Open Team Plan", "Team plan URL (postgresql://user@host/database"
                                       "?plan=NAME):", QLineEdit.Normal, "postgresql://")
        if not ok or not url.strip():
            return False
    url = url.strip()
    if not is_team_url(url):
        QMessageBox.warning(window, "Cannot open team plan", f"{url}: not a team plan URL "
                            "(postgresql://user@host/database?plan=NAME)")
        return False
    try:
        doc = open_document(url)
    except PlanError as e:
        QMessageBox.warning(window, "Cannot open team plan", str(e))
        return False
    window.controller.replace_document(doc)
    window.show_message(f"Opened {doc.display()}: edits are saved to the server as you make them")
    return True

