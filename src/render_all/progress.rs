//! The `rendered N/M environments` line of `krust render`.
//!
//! Builds finish on several threads at once: a thread that counted 5 may
//! reach the line after the one that counted 6, so the line only ever
//! moves forward.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A progress line that appears only once a run has taken longer than its
/// delay, and only on a terminal: quick runs, pipes and CI logs stay quiet.
pub struct ProgressLine {
    start: Instant,
    delay: Duration,
    /// What is counted, in the plural ("environments").
    unit: &'static str,
    /// `None` when disabled; otherwise the sink and what it last showed.
    sink: Option<Mutex<Shown>>,
}

/// The sink of an enabled line, and the count it shows (0: nothing yet).
struct Shown {
    finished: usize,
    out: Box<dyn Write + Send>,
}

impl ProgressLine {
    /// How long a run may take before progress appears.
    pub const DELAY: Duration = Duration::from_secs(1);

    /// A progress line on stderr counting `unit` ("environments"), enabled
    /// when stderr is a terminal.
    pub fn on_stderr(unit: &'static str) -> ProgressLine {
        let enabled = std::io::stderr().is_terminal();
        let mut line = ProgressLine::new(
            enabled.then(|| Box::new(std::io::stderr()) as _),
            Self::DELAY,
        );
        line.unit = unit;
        line
    }

    /// A progress line written to `sink` (none: disabled) once `delay` has
    /// passed.
    pub fn new(sink: Option<Box<dyn Write + Send>>, delay: Duration) -> ProgressLine {
        ProgressLine {
            start: Instant::now(),
            delay,
            unit: "environments",
            sink: sink.map(|out| Mutex::new(Shown { finished: 0, out })),
        }
    }

    /// Reports that `finished` of `total` environments are done.
    pub fn update(&self, finished: usize, total: usize) {
        let Some(sink) = &self.sink else { return };
        if self.start.elapsed() < self.delay {
            return;
        }
        let mut shown = sink.lock().unwrap_or_else(|e| e.into_inner());
        if finished <= shown.finished {
            return;
        }
        shown.finished = finished;
        // Progress is best effort: a closed stderr must not fail the render.
        let _ = write!(shown.out, "\rrendered {finished}/{total} {}", self.unit);
        let _ = shown.out.flush();
    }

    /// Clears the line if it was shown, so later messages start clean.
    pub fn finish(&self) {
        let Some(sink) = &self.sink else { return };
        let mut shown = sink.lock().unwrap_or_else(|e| e.into_inner());
        if shown.finished > 0 {
            let _ = write!(shown.out, "\r\x1b[K");
            let _ = shown.out.flush();
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
    fn the_count_never_goes_backwards() {
        let sink = Shared::default();
        let line = ProgressLine::new(Some(Box::new(sink.clone())), Duration::ZERO);
        line.update(2, 3);
        line.update(1, 3);
        line.update(3, 3);
        assert_eq!(
            text(&sink),
            "\rrendered 2/3 environments\rrendered 3/3 environments"
        );
    }

    #[test]
    fn counts_from_many_threads_arrive_in_order() {
        let sink = Shared::default();
        let line = ProgressLine::new(Some(Box::new(sink.clone())), Duration::ZERO);
        let done = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        line.update(n, 400);
                    }
                });
            }
        });
        let shown: Vec<usize> = text(&sink)
            .split('\r')
            .filter_map(|s| s.strip_prefix("rendered ")?.split('/').next()?.parse().ok())
            .collect();
        assert!(shown.windows(2).all(|w| w[0] < w[1]), "{shown:?}");
    }

    #[test]
    fn a_line_on_a_stderr_that_is_not_a_terminal_is_disabled() {
        // Test runs capture stderr, which is then not a terminal.
        let line = ProgressLine::on_stderr("environments");
        assert!(std::io::stderr().is_terminal() || line.sink.is_none());
        line.update(1, 1);
        line.finish();
    }
}
