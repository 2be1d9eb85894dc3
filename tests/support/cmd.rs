//! One way to run a program from a test: [`TestCommand`] builds the command (args, env, cwd,
//! stdin), runs it with a bound on time, and every failed expectation panics with the whole
//! story: the command line as a shell would take it, the exit status, stdout and stderr. A test
//! that fails on CI then says why without a rerun (ripgrep's `tests/util.rs` `TestCommand`,
//! fd's `tests/testenv`).
//!
//! ```ignore
//! let r = support::avexclude().args(["check", "--format", "json", "--root"]).arg(root).run();
//! r.assert_exit(1);
//! let report = r.stdout_json();
//! // or in one go, when only the output matters:
//! let text = support::avexclude().args(["vendors"]).assert_exit(0).stdout();
//! ```

use std::ffi::OsStr;
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a command may run unless the test says otherwise: far above any fixture run on a
/// loaded 2-core machine, low enough that a hang fails the test instead of the suite.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Bytes of each stream kept in memory; the rest is counted, not stored (a runaway writer must
/// not exhaust the test's memory before the time bound stops it).
const KEEP: usize = 64 << 20;

/// The avexclude binary under test, as a [`TestCommand`].
pub fn avexclude() -> TestCommand {
    TestCommand::new(super::bin())
}

/// A command to run once, with captured output and a time bound.
pub struct TestCommand {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
}

impl TestCommand {
    /// Any program (avexclude itself: [`avexclude`]).
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        TestCommand {
            cmd: Command::new(program),
            stdin: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn arg(&mut self, a: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.arg(a);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(&mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env(k, v);
        self
    }

    pub fn env_remove(&mut self, k: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env_remove(k);
        self
    }

    pub fn env_clear(&mut self) -> &mut Self {
        self.cmd.env_clear();
        self
    }

    pub fn current_dir(&mut self, d: impl AsRef<Path>) -> &mut Self {
        self.cmd.current_dir(d);
        self
    }

    /// Run as this user (`CommandExt::uid`; the test must be root).
    pub fn uid(&mut self, id: u32) -> &mut Self {
        std::os::unix::process::CommandExt::uid(&mut self.cmd, id);
        self
    }

    /// Run with this group (`CommandExt::gid`).
    pub fn gid(&mut self, id: u32) -> &mut Self {
        std::os::unix::process::CommandExt::gid(&mut self.cmd, id);
        self
    }

    /// Bytes fed to the program's stdin (without this, stdin is empty: `/dev/null`).
    pub fn stdin(&mut self, data: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = Some(data.into());
        self
    }

    /// Fail the test when the program has not exited after `t` (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(&mut self, t: Duration) -> &mut Self {
        self.timeout = t;
        self
    }

    /// The underlying `std::process::Command`, for a test that must drive the process itself
    /// (read a FIFO while it writes, signal it): then the test owns the time bound too.
    pub fn std(&mut self) -> &mut Command {
        &mut self.cmd
    }

    /// The command line as one could paste it into a shell: cwd, environment changes, program,
    /// arguments (quoted where a shell would split or expand them).
    pub fn shown(&self) -> String {
        let mut s = String::new();
        if let Some(d) = self.cmd.get_current_dir() {
            s.push_str(&format!("cd {} && ", quote(d.as_os_str())));
        }
        let mut removed = Vec::new();
        for (k, v) in self.cmd.get_envs() {
            match v {
                Some(v) => s.push_str(&format!("{}={} ", quote(k), quote(v))),
                None => removed.push(k),
            }
        }
        if !removed.is_empty() {
            s.push_str("env");
            for k in removed {
                s.push_str(&format!(" -u {}", quote(k)));
            }
            s.push(' ');
        }
        s.push_str(&quote(self.cmd.get_program()));
        for a in self.cmd.get_args() {
            s.push(' ');
            s.push_str(&quote(a));
        }
        s
    }

    /// Run and capture, expecting nothing yet: the result's `assert_*` methods say what is
    /// expected. Panics (with the command and what it printed so far) when the program cannot be
    /// started or does not exit within the time bound.
    #[track_caller]
    pub fn run(&mut self) -> Ran {
        let shown = self.shown();
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self
            .cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the command: {e}\ncommand: {shown}"));
        if let (Some(data), Some(mut w)) = (self.stdin.clone(), child.stdin.take()) {
            // a program that stops reading early closes the pipe: not the test's concern here
            thread::spawn(move || {
                let _ = w.write_all(&data);
            });
        }
        let out = Stream::read(child.stdout.take());
        let err = Stream::read(child.stderr.take());
        let start = Instant::now();
        let mut nap = Duration::from_millis(1);
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) => {}
                Err(e) => panic!("cannot wait for the command: {e}\ncommand: {shown}"),
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        };
        // a daemon the program started may hold the pipes open: take what came, do not wait
        let until = Instant::now() + Duration::from_secs(if status.is_some() { 10 } else { 2 });
        let ran = Ran {
            shown,
            status,
            timeout: self.timeout,
            stdout: out.finish(until),
            stderr: err.finish(until),
        };
        if ran.status.is_none() {
            ran.fail(&format!(
                "did not return within {} s: killed",
                self.timeout.as_secs_f32()
            ));
        }
        ran
    }

    /// Run, expect exit status `code`, and keep the result for more checks.
    #[track_caller]
    pub fn assert_exit(&mut self, code: i32) -> Ran {
        let r = self.run();
        r.assert_exit(code);
        r
    }
}

impl fmt::Display for TestCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

/// What a [`TestCommand`] did. `Display` is the full report (command, exit, stdout, stderr), so
/// an ad-hoc assertion can carry it: `assert!(x, "{r}")`.
pub struct Ran {
    shown: String,
    /// `None` only while reporting a timeout (`run` panics then).
    status: Option<ExitStatus>,
    timeout: Duration,
    stdout: Captured,
    stderr: Captured,
}

impl Ran {
    /// The exit code (`None`: killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    pub fn success(&self) -> bool {
        self.code() == Some(0)
    }

    /// Panic with `why` and the full report.
    #[track_caller]
    pub fn fail(&self, why: &str) -> ! {
        panic!("{why}\n{self}")
    }

    /// Expect exit status `code` (0 ok, 1 findings, 2 error: the contract in `src/cli.rs`).
    #[track_caller]
    pub fn assert_exit(&self, code: i32) -> &Self {
        if self.code() != Some(code) {
            self.fail(&format!("expected exit {code}"));
        }
        self
    }

    /// Expect one of `codes` (e.g. `check`: 0 or 1, whichever the host gives).
    #[track_caller]
    pub fn assert_exit_in(&self, codes: &[i32]) -> &Self {
        if !self.code().is_some_and(|c| codes.contains(&c)) {
            self.fail(&format!("expected exit in {codes:?}"));
        }
        self
    }

    /// Stdout as text; not UTF-8 fails the test (every human and machine output is UTF-8).
    #[track_caller]
    pub fn stdout(&self) -> String {
        match String::from_utf8(self.stdout_bytes().to_vec()) {
            Ok(s) => s,
            Err(e) => self.fail(&format!("stdout is not UTF-8: {e}")),
        }
    }

    /// Stderr as text; not UTF-8 fails the test.
    #[track_caller]
    pub fn stderr(&self) -> String {
        match String::from_utf8(self.stderr_bytes().to_vec()) {
            Ok(s) => s,
            Err(e) => self.fail(&format!("stderr is not UTF-8: {e}")),
        }
    }

    /// Stdout as text, invalid UTF-8 replaced (for output that may carry a host's raw bytes).
    #[track_caller]
    pub fn stdout_lossy(&self) -> String {
        String::from_utf8_lossy(self.stdout_bytes()).into_owned()
    }

    /// Stderr as text, invalid UTF-8 replaced.
    #[track_caller]
    pub fn stderr_lossy(&self) -> String {
        String::from_utf8_lossy(self.stderr_bytes()).into_owned()
    }

    /// All of stdout; more than was kept in memory fails the test rather than hand back a part.
    #[track_caller]
    pub fn stdout_bytes(&self) -> &[u8] {
        self.whole(&self.stdout, "stdout")
    }

    #[track_caller]
    pub fn stderr_bytes(&self) -> &[u8] {
        self.whole(&self.stderr, "stderr")
    }

    #[track_caller]
    fn whole<'a>(&self, c: &'a Captured, name: &str) -> &'a [u8] {
        if c.dropped > 0 {
            self.fail(&format!(
                "{name} is larger than the {} MiB a test keeps",
                KEEP >> 20
            ));
        }
        &c.bytes
    }

    /// Stdout parsed as JSON; anything else fails the test with the report.
    #[track_caller]
    pub fn stdout_json(&self) -> serde_json::Value {
        self.stdout_as()
    }

    /// Stdout parsed as JSON into `T` (e.g. `avexclude::model::Inventory`).
    #[track_caller]
    pub fn stdout_as<T: serde::de::DeserializeOwned>(&self) -> T {
        match serde_json::from_slice(self.stdout_bytes()) {
            Ok(v) => v,
            Err(e) => self.fail(&format!("stdout is not the expected JSON: {e}")),
        }
    }

    /// The raw result, as `std::process::Command::output` gives it.
    pub fn raw(&self) -> Output {
        Output {
            status: self
                .status
                .unwrap_or_else(|| self.fail("the command did not exit")),
            stdout: self.stdout.bytes.clone(),
            stderr: self.stderr.bytes.clone(),
        }
    }
}

impl fmt::Display for Ran {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use std::os::unix::process::ExitStatusExt;
        writeln!(f, "command: {}", self.shown)?;
        match self.status {
            Some(s) => match (s.code(), s.signal()) {
                (Some(c), _) => writeln!(f, "exit:    {c}")?,
                (None, Some(sig)) => writeln!(f, "exit:    killed by signal {sig}")?,
                (None, None) => writeln!(f, "exit:    {s}")?,
            },
            None => writeln!(
                f,
                "exit:    none (killed after {} s)",
                self.timeout.as_secs_f32()
            )?,
        }
        write!(f, "{}", self.stdout.shown("stdout"))?;
        write!(f, "{}", self.stderr.shown("stderr"))
    }
}

impl fmt::Debug for Ran {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One output stream, read on its own thread so a full pipe never blocks the program.
struct Stream {
    buf: std::sync::Arc<std::sync::Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

impl Stream {
    fn read(pipe: Option<impl Read + Send + 'static>) -> Stream {
        let buf = std::sync::Arc::new(std::sync::Mutex::new(Captured::default()));
        let (tx, done) = mpsc::channel();
        let b = buf.clone();
        thread::spawn(move || {
            if let Some(mut p) = pipe {
                let mut chunk = [0u8; 64 * 1024];
                loop {
                    match p.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let mut c = b.lock().unwrap_or_else(|e| e.into_inner());
                            let room = KEEP.saturating_sub(c.bytes.len()).min(n);
                            c.bytes.extend_from_slice(&chunk[..room]);
                            c.dropped += n - room;
                        }
                    }
                }
            }
            let _ = tx.send(());
        });
        Stream { buf, done }
    }

    fn finish(self, until: Instant) -> Captured {
        let left = until.saturating_duration_since(Instant::now());
        let open = self.done.recv_timeout(left).is_err();
        let mut c = std::mem::take(&mut *self.buf.lock().unwrap_or_else(|e| e.into_inner()));
        c.still_open = open;
        c
    }
}

#[derive(Default)]
struct Captured {
    bytes: Vec<u8>,
    dropped: usize,
    still_open: bool,
}

impl Captured {
    /// The stream for a report: all of it up to 32 KiB, else its head and tail.
    fn shown(&self, name: &str) -> String {
        const HEAD: usize = 24 << 10;
        const TAIL: usize = 8 << 10;
        let n = self.bytes.len() + self.dropped;
        let mut s = format!("----- {name} ({n} bytes)");
        if self.still_open {
            s.push_str(", pipe still held open by another process");
        }
        s.push_str(" -----\n");
        let b = &self.bytes;
        if b.len() <= HEAD + TAIL {
            s.push_str(&String::from_utf8_lossy(b));
        } else {
            s.push_str(&String::from_utf8_lossy(&b[..HEAD]));
            s.push_str(&format!(
                "\n[... {} bytes not shown ...]\n",
                n - HEAD - TAIL
            ));
            s.push_str(&String::from_utf8_lossy(&b[b.len() - TAIL..]));
        }
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    }
}

/// Quote for a POSIX shell where needed, so the shown command can be pasted.
fn quote(s: &OsStr) -> String {
    let t = s.to_string_lossy();
    let plain = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        t.into_owned()
    } else {
        format!("'{}'", t.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    // paths in full: benches and examples include this module too, without the tests

    #[test]
    fn a_failed_expectation_reports_command_exit_and_both_streams() {
        let r = super::TestCommand::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .env("A_VAR", "x y")
            .run();
        assert_eq!(r.code(), Some(3));
        let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            r.assert_exit(0);
        }))
        .expect_err("exit 3 is not exit 0");
        let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("expected exit 0"), "{msg}");
        assert!(
            msg.contains("A_VAR='x y' sh -c 'echo out; echo err >&2; exit 3'"),
            "{msg}"
        );
        assert!(msg.contains("exit:    3"), "{msg}");
        assert!(msg.contains("----- stdout (4 bytes) -----\nout\n"), "{msg}");
        assert!(msg.contains("----- stderr (4 bytes) -----\nerr\n"), "{msg}");
    }

    #[test]
    fn stdin_is_fed_and_large_output_does_not_block() {
        let big = vec![b'x'; 1 << 20];
        let r = super::TestCommand::new("sh")
            .args([
                "-c",
                "cat; cat >&2 </dev/null; head -c 300000 /dev/zero >&2",
            ])
            .stdin(big.clone())
            .run();
        r.assert_exit(0);
        assert_eq!(r.stdout_bytes(), &big[..]);
        assert_eq!(r.stderr_bytes().len(), 300000);
    }

    #[test]
    fn a_hung_program_fails_the_test_within_its_bound() {
        let start = std::time::Instant::now();
        let hung = std::panic::catch_unwind(|| {
            super::TestCommand::new("sleep")
                .arg("30")
                .timeout(std::time::Duration::from_millis(300))
                .run();
        });
        let msg = hung.expect_err("a hang is a failure");
        let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("did not return within 0.3 s"), "{msg}");
        assert!(msg.contains("command: sleep 30"), "{msg}");
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn output_beyond_what_is_kept_fails_instead_of_being_cut() {
        let r = super::TestCommand::new("sh")
            .args(["-c", "head -c 67108865 /dev/zero"])
            .run();
        r.assert_exit(0);
        let cut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.stdout_bytes().len()));
        let msg = cut.expect_err("a part is not the output");
        let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("stdout is larger than the 64 MiB"), "{msg}");
        assert!(
            msg.contains("----- stdout (67108865 bytes)"),
            "{}",
            msg.chars().take(300).collect::<String>()
        );
    }
}
