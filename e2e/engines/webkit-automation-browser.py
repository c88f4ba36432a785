#!/usr/bin/python3
"""A WebKitGTK browser for WebKitWebDriver, as small as a browser can be.

Why not Debian's MiniBrowser: in automation mode it keeps every website's data in memory (an
ephemeral context), so nothing survives a relaunch and no durability test can run, and it leaves
the Storage API (navigator.storage) off. This one keeps its data in the directory named by
--data-dir=DIR (or $LARDER_WEBKIT_DATA_DIR), turns the Storage API on, and otherwise does only
what WebKitWebDriver asks: a web view per new window or tab, closed when the driver closes it.

WebKitWebDriver starts it with the arguments of the session's `webkitgtk:browserOptions` and
tells it where to reach the driver in $WEBKIT_INSPECTOR_SERVER; WebKit reads that by itself.
With --pid-file=FILE it writes its pid there: WebKitWebDriver starts it in a process group of its
own, and a durability test kills that group (this process, its web and network processes).
"""

import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

# Features off by default in WebKitGTK that Safari ships on, or that a test asks for.
FEATURES_ON = {"StorageAPI", "StorageAPIEstimate"}


def option(name, default=None):
    prefix = f"--{name}="
    for arg in sys.argv[1:]:
        if arg.startswith(prefix):
            return arg[len(prefix):]
    return default


def main():
    data_dir = option("data-dir", os.environ.get("LARDER_WEBKIT_DATA_DIR"))
    if not data_dir:
        sys.exit("webkit-automation-browser: --data-dir=DIR is required")
    pid_file = option("pid-file")
    if pid_file:
        with open(pid_file, "w") as f:
            f.write(str(os.getpid()))
    extra = {f for f in (option("enable-features", "") or "").split(",") if f}

    manager = WebKit2.WebsiteDataManager(
        base_data_directory=os.path.join(data_dir, "data"),
        base_cache_directory=os.path.join(data_dir, "cache"),
    )
    context = WebKit2.WebContext(website_data_manager=manager)
    context.set_automation_allowed(True)

    settings = WebKit2.Settings()
    features = WebKit2.Settings.get_all_features()
    for i in range(features.get_length()):
        feature = features.get(i)
        if feature.get_identifier() in FEATURES_ON | extra:
            settings.set_feature_enabled(feature, True)

    windows = []

    def create_web_view(_session):
        view = WebKit2.WebView(
            web_context=context, settings=settings, is_controlled_by_automation=True
        )
        window = Gtk.Window()
        window.set_default_size(1280, 720)
        window.add(view)
        windows.append(window)

        def close(_view):
            window.destroy()
            windows.remove(window)

        view.connect("close", close)

        # A user closing the tab: WebDriver's Close Window closes the page outright, without the
        # beforeunload a browser runs first when a person closes a tab (what Epiphany does on
        # Ctrl+W). The test driver asks for that path by setting this title
        # (WebDriverPage.close({ runBeforeUnload: true })).
        def title_changed(view, _param):
            if view.get_title() == "larder:close-tab":
                view.try_close()

        view.connect("notify::title", title_changed)
        window.show_all()
        return view

    def automation_started(_context, session):
        info = WebKit2.ApplicationInfo()
        info.set_name("larder-webkit")
        info.set_version(
            WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version()
        )
        session.set_application_info(info)
        session.connect("create-web-view", create_web_view)

    context.connect("automation-started", automation_started)
    Gtk.main()


if __name__ == "__main__":
    main()
