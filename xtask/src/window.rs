//! The real window under Xvfb against a real server: screenshots, the smoke test, measurements.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The port `cnt-server` and the app use by default.
pub const DEFAULT_PORT: u16 = 8787;

/// A child process stopped with SIGTERM (then SIGKILL) when dropped.
pub struct ChildGuard {
    child: Child,
}

impl ChildGuard {
    /// Guards `child`.
    pub fn new(child: Child) -> Self {
        ChildGuard { child }
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether it has exited.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits for it to exit by itself.
    pub fn wait(&mut self) -> Result<()> {
        self.child.wait().context("waiting for child")?;
        Ok(())
    }

    /// Its stderr, if piped.
    pub fn take_stderr(&mut self) -> Option<std::process::ChildStderr> {
        self.child.stderr.take()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.exited() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.exited() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a window can open here (same rule as the app).
pub fn display_available() -> bool {
    let set = |v: &str| std::env::var(v).ok().filter(|s| !s.is_empty());
    if set("WAYLAND_DISPLAY").is_some() {
        return true;
    }
    match set("DISPLAY") {
        None => false,
        Some(d) => match d.strip_prefix(':') {
            Some(rest) => Path::new(&format!(
                "/tmp/.X11-unix/X{}",
                rest.split('.').next().unwrap_or_default()
            ))
            .exists(),
            None => true,
        },
    }
}

/// Whether a CNT Media server answers `/health` on 127.0.0.1:`port`.
pub fn healthy(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(1),
    ) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /health HTTP/1.0\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

/// Waits until the server answers, failing if it exits or takes over a minute.
pub fn wait_healthy(port: u16, server: &mut ChildGuard) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if healthy(port) {
            return Ok(());
        }
        if server.exited() {
            bail!(
                "cnt-server exited before answering on 127.0.0.1:{port} (see its messages above)"
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("cnt-server did not answer on 127.0.0.1:{port} within a minute")
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// An Xvfb display of our own, stopped when dropped.
pub struct Xvfb {
    _child: ChildGuard,
    /// `:N`.
    pub display: String,
}

impl Xvfb {
    /// Starts Xvfb on the first free display from :90.
    pub fn start() -> Result<Xvfb> {
        if crate::setup::which("Xvfb").is_none() {
            bail!("Xvfb is not installed: run `cargo xtask setup --tests`");
        }
        let n = (90..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .context("no free X display number")?;
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start Xvfb")?;
        let mut guard = ChildGuard::new(child);
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !socket.exists() {
            if guard.exited() || Instant::now() > deadline {
                bail!("Xvfb did not start on {display}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Xvfb {
            _child: guard,
            display,
        })
    }
}

/// A running server and app window on a virtual display, with temporary data.
pub struct Session {
    /// The virtual display.
    pub xvfb: Xvfb,
    /// The app.
    pub app: ChildGuard,
    /// The server.
    pub server: ChildGuard,
    /// Milliseconds from the app's start to its first paint.
    pub first_paint_ms: u64,
    /// Temporary data of both.
    pub _data: TempDir,
}

/// A temporary directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    fn new(name: &str) -> Result<TempDir> {
        let dir = std::env::temp_dir().join(format!("cnt-xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bin(name: &str) -> PathBuf {
    crate::target_dir().join("debug").join(name)
}

/// Starts a server and the window on `screen` at `size`, and waits for the first paint.
pub fn start_session(screen: &str, size: &str) -> Result<Session> {
    let xvfb = Xvfb::start()?;
    let data = TempDir::new("session")?;
    let port = free_port()?;
    let mut server = ChildGuard::new(
        Command::new(bin("cnt-server"))
            .arg("--data-dir")
            .arg(data.0.join("server"))
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("XDG_CONFIG_HOME", data.0.join("config"))
            .env("CNT_LOG", "warn")
            .stdin(Stdio::null())
            .spawn()
            .context("cannot start cnt-server (build it first)")?,
    );
    wait_healthy(port, &mut server)?;
    let mut app = ChildGuard::new(
        Command::new(bin("cnt"))
            .arg("--data-dir")
            .arg(data.0.join("app"))
            .args(["--server", &format!("http://127.0.0.1:{port}")])
            .args([
                "--screen",
                screen,
                "--window-size",
                size,
                "--report-first-paint",
            ])
            .env("DISPLAY", &xvfb.display)
            .env("XDG_CONFIG_HOME", data.0.join("config"))
            .env("LANG", "en_US.UTF-8")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start cnt (build it first)")?,
    );
    let stderr = app.take_stderr().context("app stderr")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(ms) = line.strip_prefix("first-paint-ms: ") {
                let _ = tx.send(ms.trim().parse::<u64>().unwrap_or(0));
            } else {
                eprintln!("    cnt: {line}");
            }
        }
    });
    let first_paint_ms = rx
        .recv_timeout(Duration::from_secs(90))
        .context("the window did not paint within 90 s")?;
    Ok(Session {
        xvfb,
        app,
        server,
        first_paint_ms,
        _data: data,
    })
}

impl Session {
    /// Saves the window's top-left `size` to `out`.
    pub fn capture(&self, size: &str, out: &Path) -> Result<()> {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let status = Command::new("import")
            .args(["-display", &self.xvfb.display, "-window", "root", "-crop"])
            .arg(format!("{size}+0+0"))
            .arg(out)
            .status()
            .context("cannot run ImageMagick's import")?;
        if !status.success() {
            bail!("import failed ({status})");
        }
        Ok(())
    }

    /// Sends key presses (xdotool names, e.g. `ctrl+9`).
    pub fn keys(&self, keys: &[&str]) -> Result<()> {
        let status = Command::new("xdotool")
            .arg("key")
            .args(keys)
            .env("DISPLAY", &self.xvfb.display)
            .status()
            .context("cannot run xdotool")?;
        if !status.success() {
            bail!("xdotool failed ({status})");
        }
        Ok(())
    }
}

/// How many distinct colours an image has: a blank or failed window has very few.
fn colours(png: &Path) -> Result<u64> {
    let out = Command::new("identify")
        .args(["-format", "%k"])
        .arg(png)
        .output()
        .context("cannot run ImageMagick's identify")?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .with_context(|| format!("identify gave no colour count for {}", png.display()))
}

/// Pixels that differ between two images.
fn difference(a: &Path, b: &Path) -> Result<u64> {
    let out = Command::new("compare")
        .args(["-metric", "AE"])
        .arg(a)
        .arg(b)
        .arg("null:")
        .output()
        .context("cannot run ImageMagick's compare")?;
    // compare prints the metric on stderr and exits 1 when the images differ.
    let text = String::from_utf8_lossy(&out.stderr);
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
        .with_context(|| format!("compare gave no metric: {text}"))
}

/// `cargo xtask screenshot`.
pub fn screenshot_command(screen: &str, size: &str, out: Option<PathBuf>) -> Result<()> {
    crate::setup::ensure(crate::setup::Purpose::Test)?;
    crate::cargo(&["build", "-p", "cnt-backend", "-p", "cnt-desktop"])?;
    let out = out.unwrap_or_else(|| {
        crate::target_dir()
            .join("screenshots")
            .join(format!("{screen}-{size}.png"))
    });
    let session = start_session(screen, size)?;
    // Let fonts and layout settle after the first paint.
    std::thread::sleep(Duration::from_millis(1500));
    session.capture(size, &out)?;
    println!(
        "saved {} (first paint after {} ms)",
        out.display(),
        session.first_paint_ms
    );
    Ok(())
}

/// The window starts, paints something real, and answers a keyboard shortcut.
pub fn smoke_test() -> Result<()> {
    let shots = crate::target_dir().join("screenshots");
    let wide = "1200x780";
    let session = start_session("home", wide)?;
    std::thread::sleep(Duration::from_millis(1500));
    let home = shots.join("smoke-home.png");
    session.capture(wide, &home)?;
    let n = colours(&home)?;
    if n < 50 {
        bail!("the window looks blank ({n} colours in {})", home.display());
    }
    session.keys(&["ctrl+9"])?;
    std::thread::sleep(Duration::from_millis(800));
    let settings = shots.join("smoke-ctrl9.png");
    session.capture(wide, &settings)?;
    let changed = difference(&home, &settings)?;
    if changed < 1000 {
        bail!("Ctrl+9 did not change the screen ({changed} pixels differ)");
    }
    // Arrow keys move in the navigation from where Ctrl+9 left the focus; Enter opens (Events).
    session.keys(&["Up"])?;
    std::thread::sleep(Duration::from_millis(300));
    session.keys(&["Return"])?;
    std::thread::sleep(Duration::from_millis(800));
    let events = shots.join("smoke-up-enter.png");
    session.capture(wide, &events)?;
    let moved = difference(&settings, &events)?;
    if moved < 1000 {
        bail!("Up then Enter did not change the screen ({moved} pixels differ)");
    }
    eprintln!(
        "    window painted after {} ms with {n} colours; Ctrl+9 changed {changed} pixels, Up+Enter {moved}; shots in {}",
        session.first_paint_ms,
        shots.display()
    );
    drop(session);

    let narrow = "600x760";
    let session = start_session("library", narrow)?;
    std::thread::sleep(Duration::from_millis(1500));
    let shot = shots.join("smoke-narrow.png");
    session.capture(narrow, &shot)?;
    if colours(&shot)? < 50 {
        bail!("the narrow window looks blank");
    }
    Ok(())
}
