//! The `rendered N/M environments` line of `krust render`.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A progress line that appears only once a run has taken longer than its
/// delay, and only on a terminal: quick runs, pipes and CI logs stay quiet.
pub struct ProgressLine {
    start: Instant,
    delay: Duration,
    /// `None` when disabled; `Some((shown, sink))` otherwise.
    sink: Option<Mutex<(bool, Box<dyn Write + Send>)>>,
}

impl ProgressLine {
    /// How long a run may take before progress appears.
    pub const DELAY: Duration = Duration::from_secs(1);

    /// A progress line on stderr, enabled when stderr is a terminal.
    pub fn on_stderr() -> ProgressLine {
        let enabled = std::io::stderr().is_terminal();
        ProgressLine::new(
            enabled.then(|| Box::new(std::io::stderr()) as _),
            Self::DELAY,
        )
    }

    /// A progress line written to `sink` (none: disabled) once `delay` has
    /// passed.
    pub fn new(sink: Option<Box<dyn Write + Send>>, delay: Duration) -> ProgressLine {
        ProgressLine {
            start: Instant::now(),
            delay,
            sink: sink.map(|s| Mutex::new((false, s))),
        }
    }

    /// Reports that `finished` of `total` environments are done.
    pub fn update(&self, finished: usize, total: usize) {
        let Some(sink) = &self.sink else { return };
        if self.start.elapsed() < self.delay {
            return;
        }
        let mut guard = sink.lock().unwrap_or_else(|e| e.into_inner());
        let (shown, out) = &mut *guard;
        *shown = true;
        // Progress is best effort: a closed stderr must not fail the render.
        let _ = write!(out, "\rrendered {finished}/{total} environments");
        let _ = out.flush();
    }

    /// Clears the line if it was shown, so later messages start clean.
    pub fn finish(&self) {
        let Some(sink) = &self.sink else { return };
        let mut guard = sink.lock().unwrap_or_else(|e| e.into_inner());
        let (shown, out) = &mut *guard;
        if *shown {
            let _ = write!(out, "\r\x1b[K");
            let _ = out.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A sink the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn text(sink: &Shared) -> String {
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn quick_runs_print_nothing() {
        let sink = Shared::default();
        let line = ProgressLine::new(Some(Box::new(sink.clone())), Duration::from_secs(3600));
        line.update(1, 2);
        line.finish();
        assert_eq!(text(&sink), "");
    }

    #[test]
    fn slow_runs_show_and_then_clear_the_line() {
        let sink = Shared::default();
        let line = ProgressLine::new(Some(Box::new(sink.clone())), Duration::ZERO);
        line.update(1, 2);
        line.update(2, 2);
        line.finish();
        assert_eq!(
            text(&sink),
            "\rrendered 1/2 environments\rrendered 2/2 environments\r\x1b[K"
        );
    }

    #[test]
    fn disabled_line_is_silent() {
        let line = ProgressLine::new(None, Duration::ZERO);
        line.update(1, 1);
        line.finish();
    }
}
