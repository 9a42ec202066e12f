package main

import (
	"log/slog"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/gridtwin/gridtwin/mock"
	"github.com/gridtwin/gridtwin/mock/server"
)

// reloadQuiet is how long the directory must stay still before a reload:
// an editor's save is several events (write, rename, chmod).
const reloadQuiet = 150 * time.Millisecond

// watchFixtures reloads the fixtures of dir into h whenever a file there
// changes. A file that does not load keeps the old state, and the log
// says why. The directory is watched, not the files: editors save by
// renaming a new file over the old one.
func watchFixtures(dir string, cfg mock.Config, h *server.Handler, log *slog.Logger) (stop func(), err error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		_ = w.Close()
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var timer <-chan time.Time
		for {
			select {
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if filepath.Ext(ev.Name) == ".yaml" || filepath.Ext(ev.Name) == ".yml" {
					timer = time.After(reloadQuiet)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				log.Warn("fixtures watch", "error", err)
			case <-timer:
				timer = nil
				reload(cfg, h, log, dir)
			}
		}
	}()
	return func() { _ = w.Close(); <-done }, nil
}

func reload(cfg mock.Config, h *server.Handler, log *slog.Logger, dir string) {
	apis, err := mock.APIs(cfg)
	if err != nil {
		log.Error("fixtures not reloaded, the old state stays", "dir", dir, "error", err.Error())
		return
	}
	h.Replace(apis...)
	log.Info("fixtures reloaded, state reset to them", "dir", dir)
}
