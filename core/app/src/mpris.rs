//! MPRIS on Linux: the player on the D-Bus session bus as `org.mpris.MediaPlayer2.cnt`, so that desktop
//! media keys, the GNOME/KDE media widgets and `playerctl` drive the same [`Core`] methods as the
//! player bar.
//!
//! Exposes `org.mpris.MediaPlayer2` (identity only: no raise, no quit, no track list) and
//! `org.mpris.MediaPlayer2.Player`: `PlayPause`, `Play`, `Pause`, `Stop`, `Next`, `Previous`, `Seek`,
//! `SetPosition`, the properties `PlaybackStatus`, `Metadata` (`mpris:trackid`, `mpris:length`,
//! `xesam:title`, `xesam:artist`, `xesam:album`, `mpris:artUrl` as a `file://` URL once the artwork is
//! on the device), `Position`, `Volume`, `Shuffle` and `LoopStatus` (read and write) and the `Can*` flags. `PropertiesChanged` is
//! sent when the status, the track, its artwork or the volume changes, and `Seeked` after every seek
//! (asked over D-Bus, in the app's bar, or a resume), once the engine has made it.

use std::collections::HashMap;

use zbus::object_server::SignalEmitter;
use zbus::zvariant::{ObjectPath, OwnedValue, Value};
use zbus::{connection, interface};

use crate::{Core, CoreEvent, NowPlaying, PlaybackStatus, RepeatMode};

/// The bus name the player takes.
pub const MPRIS_BUS_NAME: &str = "org.mpris.MediaPlayer2.cnt";
const OBJECT_PATH: &str = "/org/mpris/MediaPlayer2";

/// A running MPRIS service; it stops when dropped.
#[derive(Debug)]
pub struct Mpris {
    connection: zbus::Connection,
    watcher: tokio::task::JoinHandle<()>,
}

impl Drop for Mpris {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

impl Mpris {
    /// The D-Bus connection it serves on.
    pub fn connection(&self) -> &zbus::Connection {
        &self.connection
    }
}

/// What the bus was last told: status, track id, length, volume, queue length.
// Status, track id and artwork URL, duration, volume, queue length, shuffle, repeat, seeks.
type Shown = (
    PlaybackStatus,
    Option<String>,
    Option<u64>,
    u8,
    usize,
    bool,
    RepeatMode,
    u64,
);

struct Root;

#[interface(name = "org.mpris.MediaPlayer2")]
impl Root {
    fn raise(&self) {}

    fn quit(&self) {}

    #[zbus(property)]
    fn can_quit(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn can_raise(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn has_track_list(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn identity(&self) -> String {
        "CNT Media".into()
    }

    #[zbus(property)]
    fn desktop_entry(&self) -> String {
        "cnt".into()
    }

    #[zbus(property)]
    fn supported_uri_schemes(&self) -> Vec<String> {
        Vec::new()
    }

    #[zbus(property)]
    fn supported_mime_types(&self) -> Vec<String> {
        Vec::new()
    }
}

struct PlayerIface {
    core: Core,
}

fn fail(e: crate::Error) -> zbus::fdo::Error {
    zbus::fdo::Error::Failed(e.to_string())
}

fn track_id(now: &NowPlaying) -> ObjectPath<'static> {
    let path = match now.current_entry() {
        Some(e) => format!(
            "/org/cnt_media/track/t{}_{}",
            now.current.unwrap_or(0),
            e.item.to_string().replace('-', "_")
        ),
        None => "/org/mpris/MediaPlayer2/TrackList/NoTrack".to_owned(),
    };
    ObjectPath::try_from(path)
        .unwrap_or_else(|_| ObjectPath::from_static_str_unchecked("/org/cnt_media/track/unknown"))
}

fn status_text(now: &NowPlaying) -> &'static str {
    match now.status {
        PlaybackStatus::Playing => "Playing",
        PlaybackStatus::Paused => "Paused",
        PlaybackStatus::Stopped => "Stopped",
    }
}

fn art_url(core: &Core, now: &NowPlaying) -> Option<String> {
    let hash = now.current_entry()?.artwork.as_deref()?;
    core.artwork_url(hash)
}

fn micros(ms: u64) -> i64 {
    i64::try_from(ms.saturating_mul(1000)).unwrap_or(i64::MAX)
}

fn metadata(now: &NowPlaying, art_url: Option<String>) -> HashMap<String, OwnedValue> {
    let mut map = HashMap::new();
    let mut put = |key: &str, value: Value<'_>| {
        if let Ok(v) = OwnedValue::try_from(value) {
            map.insert(key.to_owned(), v);
        }
    };
    put("mpris:trackid", Value::from(track_id(now)));
    if let Some(e) = now.current_entry() {
        put("xesam:title", Value::from(e.title.clone()));
        if let Some(a) = &e.artist {
            put("xesam:artist", Value::from(vec![a.clone()]));
        }
    }
    if let Some(d) = now.duration_ms {
        put("mpris:length", Value::from(micros(d)));
    }
    if let Some(url) = art_url {
        put("mpris:artUrl", Value::from(url));
    }
    map
}

#[interface(name = "org.mpris.MediaPlayer2.Player")]
impl PlayerIface {
    fn next(&self) -> zbus::fdo::Result<()> {
        self.core.next().map_err(fail)
    }

    fn previous(&self) -> zbus::fdo::Result<()> {
        self.core.previous().map_err(fail)
    }

    fn pause(&self) -> zbus::fdo::Result<()> {
        self.core.pause().map_err(fail)
    }

    fn play_pause(&self) -> zbus::fdo::Result<()> {
        self.core.play_pause().map_err(fail)
    }

    fn stop(&self) -> zbus::fdo::Result<()> {
        self.core.stop().map_err(fail)
    }

    fn play(&self) -> zbus::fdo::Result<()> {
        self.core.play().map_err(fail)
    }

    /// Moves by `offset` microseconds (negative: back).
    async fn seek(&self, offset: i64) -> zbus::fdo::Result<()> {
        let now = self.core.now_playing();
        if now.current.is_none() {
            return Ok(());
        }
        let target = (i64::try_from(now.position_ms).unwrap_or(i64::MAX) + offset / 1000).max(0);
        let target = u64::try_from(target).unwrap_or(0);
        if now.duration_ms.is_some_and(|d| target >= d) {
            return self.core.next().map_err(fail);
        }
        // `Seeked` follows from the engine's report, as for seeks made in the app.
        self.core.seek(target).map_err(fail)
    }

    /// Moves to `position` microseconds in the track `track_id` (ignored when it is not the current one).
    async fn set_position(&self, track_id: ObjectPath<'_>, position: i64) -> zbus::fdo::Result<()> {
        let now = self.core.now_playing();
        if track_id.as_str() != self::track_id(&now).as_str() || position < 0 {
            return Ok(());
        }
        let target = u64::try_from(position / 1000).unwrap_or(0);
        if now.duration_ms.is_some_and(|d| target > d) {
            return Ok(());
        }
        self.core.seek(target).map_err(fail)
    }

    fn open_uri(&self, _uri: &str) -> zbus::fdo::Result<()> {
        Err(zbus::fdo::Error::NotSupported(
            "CNT Media plays items from its library".into(),
        ))
    }

    #[zbus(signal)]
    async fn seeked(emitter: &SignalEmitter<'_>, position: i64) -> zbus::Result<()>;

    #[zbus(property)]
    fn playback_status(&self) -> String {
        status_text(&self.core.now_playing()).into()
    }

    #[zbus(property)]
    fn rate(&self) -> f64 {
        1.0
    }

    #[zbus(property)]
    fn metadata(&self) -> HashMap<String, OwnedValue> {
        let now = self.core.now_playing();
        let art = art_url(&self.core, &now);
        metadata(&now, art)
    }

    #[zbus(property)]
    fn volume(&self) -> f64 {
        f64::from(self.core.now_playing().volume_percent) / 100.0
    }

    #[zbus(property)]
    fn set_volume(&mut self, volume: f64) {
        let _ = self.core.set_volume(volume as f32);
    }

    #[zbus(property)]
    fn shuffle(&self) -> bool {
        self.core.now_playing().shuffle
    }

    #[zbus(property)]
    fn set_shuffle(&mut self, on: bool) {
        let _ = self.core.set_shuffle(on);
    }

    #[zbus(property)]
    fn loop_status(&self) -> String {
        match self.core.now_playing().repeat {
            RepeatMode::Off => "None",
            RepeatMode::One => "Track",
            RepeatMode::All => "Playlist",
        }
        .to_owned()
    }

    #[zbus(property)]
    fn set_loop_status(&mut self, status: String) -> zbus::fdo::Result<()> {
        let mode = match status.as_str() {
            "None" => RepeatMode::Off,
            "Track" => RepeatMode::One,
            "Playlist" => RepeatMode::All,
            other => {
                return Err(zbus::fdo::Error::InvalidArgs(format!(
                    "LoopStatus is None, Track or Playlist, not {other:?}"
                )));
            }
        };
        self.core.set_repeat(mode).map_err(fail)
    }

    #[zbus(property(emits_changed_signal = "false"))]
    fn position(&self) -> i64 {
        micros(self.core.now_playing().position_ms)
    }

    #[zbus(property)]
    fn minimum_rate(&self) -> f64 {
        1.0
    }

    #[zbus(property)]
    fn maximum_rate(&self) -> f64 {
        1.0
    }

    #[zbus(property)]
    fn can_go_next(&self) -> bool {
        let now = self.core.now_playing();
        now.current.is_some_and(|c| c + 1 < now.queue.len())
    }

    #[zbus(property)]
    fn can_go_previous(&self) -> bool {
        self.core.now_playing().current.is_some()
    }

    #[zbus(property)]
    fn can_play(&self) -> bool {
        !self.core.now_playing().queue.is_empty()
    }

    #[zbus(property)]
    fn can_pause(&self) -> bool {
        !self.core.now_playing().queue.is_empty()
    }

    #[zbus(property)]
    fn can_seek(&self) -> bool {
        self.core.now_playing().current.is_some()
    }

    #[zbus(property(emits_changed_signal = "const"))]
    fn can_control(&self) -> bool {
        true
    }
}

impl Core {
    /// Serves MPRIS on the session bus, when there is one. Without a session bus (a server, a
    /// container) it logs a line and returns `None`: the app plays as before.
    pub async fn start_mpris(&self) -> Option<Mpris> {
        let address = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok();
        let runtime_dir = std::env::var_os("XDG_RUNTIME_DIR").is_some();
        self.start_mpris_from(address.as_deref(), runtime_dir).await
    }

    /// [`Core::start_mpris`] with the environment given: the session bus address, and whether
    /// `XDG_RUNTIME_DIR` is set (its `bus` socket is the fallback).
    async fn start_mpris_from(&self, address: Option<&str>, runtime_dir: bool) -> Option<Mpris> {
        let builder = match (address, runtime_dir) {
            (Some(a), _) => connection::Builder::address(a),
            (None, true) => connection::Builder::session(),
            (None, false) => {
                tracing::info!("MPRIS: no D-Bus session bus; media keys are not available");
                return None;
            }
        };
        let builder = match builder {
            Ok(b) => b,
            Err(e) => {
                tracing::info!("MPRIS: no session bus ({e}); media keys are not available");
                return None;
            }
        };
        match self.serve_mpris(builder).await {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::info!("MPRIS: not available ({e}); media keys are not available");
                None
            }
        }
    }

    /// Serves MPRIS on the bus at `address` (e.g. a private `dbus-daemon` in tests).
    ///
    /// # Errors
    /// [`crate::Error::Internal`] when the bus cannot be reached or the name is taken.
    pub async fn start_mpris_at(&self, address: &str) -> crate::Result<Mpris> {
        let builder = connection::Builder::address(address)
            .map_err(|e| crate::Error::Internal(format!("MPRIS: {e}")))?;
        self.serve_mpris(builder)
            .await
            .map_err(|e| crate::Error::Internal(format!("MPRIS: {e}")))
    }

    async fn serve_mpris(&self, builder: connection::Builder<'_>) -> zbus::Result<Mpris> {
        let connection = builder
            .name(MPRIS_BUS_NAME)?
            .serve_at(OBJECT_PATH, Root)?
            .serve_at(OBJECT_PATH, PlayerIface { core: self.clone() })?
            .build()
            .await?;
        let mut events = self.subscribe();
        let conn = connection.clone();
        let watcher = tokio::spawn(async move {
            let Ok(iface) = conn
                .object_server()
                .interface::<_, PlayerIface>(OBJECT_PATH)
                .await
            else {
                return;
            };
            let mut last: Option<Shown> = None;
            loop {
                let now = match events.recv().await {
                    Ok(CoreEvent::Player(now)) => now,
                    Ok(_) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        iface.get().await.core.now_playing()
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                };
                let art = art_url(&iface.get().await.core, &now);
                let key = (
                    now.status,
                    Some(format!("{} {}", track_id(&now), art.unwrap_or_default())),
                    now.duration_ms,
                    now.volume_percent,
                    now.queue.len(),
                    now.shuffle,
                    now.repeat,
                    now.seeks,
                );
                let before = last.replace(key.clone());
                let Some(before) = before else {
                    continue;
                };
                let emitter = iface.signal_emitter();
                let guard = iface.get().await;
                if before.0 != key.0 {
                    let _ = guard.playback_status_changed(emitter).await;
                }
                if before.1 != key.1 || before.2 != key.2 {
                    let _ = guard.metadata_changed(emitter).await;
                }
                if before.1 != key.1 || before.4 != key.4 {
                    let _ = guard.can_go_next_changed(emitter).await;
                    let _ = guard.can_go_previous_changed(emitter).await;
                    let _ = guard.can_play_changed(emitter).await;
                    let _ = guard.can_pause_changed(emitter).await;
                    let _ = guard.can_seek_changed(emitter).await;
                }
                if before.3 != key.3 {
                    let _ = guard.volume_changed(emitter).await;
                }
                if before.5 != key.5 {
                    let _ = guard.shuffle_changed(emitter).await;
                }
                if before.6 != key.6 {
                    let _ = guard.loop_status_changed(emitter).await;
                }
                if before.7 != key.7 {
                    let _ = PlayerIface::seeked(emitter, micros(now.position_ms)).await;
                }
            }
        });
        Ok(Mpris {
            connection,
            watcher,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufRead;
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    use super::*;
    use crate::MemorySink;
    use crate::player::tests::fixture;

    /// A private session bus: `dbus-daemon --session` as a child process.
    struct Bus {
        child: Child,
        address: String,
    }

    impl Drop for Bus {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn private_bus() -> Bus {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--print-address=1", "--nofork"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (package dbus-daemon) runs");
        let out = child.stdout.take().expect("stdout");
        let mut address = String::new();
        std::io::BufReader::new(out)
            .read_line(&mut address)
            .expect("the bus prints its address");
        Bus {
            child,
            address: address.trim().to_owned(),
        }
    }

    async fn client(address: &str) -> zbus::Proxy<'static> {
        let conn = connection::Builder::address(address)
            .expect("address")
            .build()
            .await
            .expect("client connects");
        zbus::proxy::Builder::new(&conn)
            .destination(MPRIS_BUS_NAME)
            .expect("name")
            .path(OBJECT_PATH)
            .expect("path")
            .interface("org.mpris.MediaPlayer2.Player")
            .expect("interface")
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await
            .expect("proxy")
    }

    async fn title(p: &zbus::Proxy<'_>) -> Option<String> {
        let meta: HashMap<String, OwnedValue> = p.get_property("Metadata").await.expect("Metadata");
        meta.get("xesam:title")
            .and_then(|v| String::try_from(v.clone()).ok())
    }

    async fn status(p: &zbus::Proxy<'_>) -> String {
        p.get_property("PlaybackStatus")
            .await
            .expect("PlaybackStatus")
    }

    async fn futures_next(stream: &mut zbus::proxy::SignalStream<'_>) -> zbus::message::Message {
        use futures::StreamExt;
        stream.next().await.expect("the bus is open")
    }

    async fn wait_until<F, Fut>(mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mpris_over_a_real_bus_reports_and_drives_the_player() {
        let bus = private_bus();
        let f = fixture();
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        let _mpris = f.core.start_mpris_at(&bus.address).await.expect("serves");
        let p = client(&bus.address).await;

        assert_eq!(status(&p).await, "Stopped");
        let can_control: bool = p.get_property("CanControl").await.expect("CanControl");
        assert!(can_control);
        assert_eq!(title(&p).await, None);

        f.core.play_items(&f.items[..3], 0).expect("play");
        tap.allow(4_410);
        wait_until(|| async { title(&p).await.as_deref() == Some("Track 1") }).await;
        assert_eq!(status(&p).await, "Playing");
        let meta: HashMap<String, OwnedValue> = p.get_property("Metadata").await.expect("meta");
        let length = meta
            .get("mpris:length")
            .and_then(|v| i64::try_from(v.clone()).ok())
            .expect("length");
        assert!((1_000_000..5_000_000).contains(&length), "{length}");
        assert!(meta.contains_key("xesam:artist"));
        let art = meta
            .get("mpris:artUrl")
            .and_then(|v| String::try_from(v.clone()).ok())
            .expect("Track 1's artwork is on the device");
        assert!(
            art.starts_with("file:///") && art.ends_with(&format!("/artwork/{:064x}", 0xa1)),
            "{art}"
        );

        // PlayPause over D-Bus pauses the engine.
        let _: () = p.call("PlayPause", &()).await.expect("PlayPause");
        tap.allow(44_100);
        wait_until(|| async { status(&p).await == "Paused" }).await;
        let _: () = p.call("Play", &()).await.expect("Play");
        tap.allow(44_100);
        wait_until(|| async { status(&p).await == "Playing" }).await;

        // Next, from dbus-send as a media-key daemon would.
        let sent = Command::new("dbus-send")
            .args([
                &format!("--bus={}", bus.address),
                "--print-reply",
                &format!("--dest={MPRIS_BUS_NAME}"),
                OBJECT_PATH,
                "org.mpris.MediaPlayer2.Player.Next",
            ])
            .output()
            .expect("dbus-send runs");
        assert!(sent.status.success(), "{sent:?}");
        tap.allow(44_100);
        wait_until(|| async { title(&p).await.as_deref() == Some("Track 2") }).await;

        // Shuffle and LoopStatus, as a desktop widget sets them.
        p.set_property("Shuffle", true).await.expect("Shuffle");
        assert!(f.core.now_playing().shuffle);
        p.set_property("LoopStatus", "Track")
            .await
            .expect("LoopStatus");
        assert_eq!(f.core.now_playing().repeat, RepeatMode::One);
        let loop_status: String = p.get_property("LoopStatus").await.expect("LoopStatus");
        assert_eq!(loop_status, "Track");
        assert!(
            p.set_property("LoopStatus", "Sometimes").await.is_err(),
            "an unknown loop status is refused"
        );
        f.core.set_repeat(RepeatMode::Off).expect("repeat off");
        f.core.set_shuffle(false).expect("shuffle off");
        let shuffle: bool = p.get_property("Shuffle").await.expect("Shuffle");
        assert!(!shuffle);

        // A seek made in the app's bar is announced with Seeked, at the new position.
        let mut seeked = p.receive_signal("Seeked").await.expect("subscribe");
        f.core.seek(1_500).expect("seek in the app");
        tap.allow(44_100);
        let msg = tokio::time::timeout(Duration::from_secs(30), futures_next(&mut seeked))
            .await
            .expect("Seeked arrives");
        let at: i64 = msg.body().deserialize().expect("position");
        assert!((1_500_000..2_500_000).contains(&at), "{at}");

        // Seek forward by 1 s: the position follows.
        let _: () = p.call("Seek", &(1_000_000i64)).await.expect("Seek");
        tap.allow(44_100);
        wait_until(|| async {
            let pos: i64 = p.get_property("Position").await.expect("Position");
            pos >= 1_000_000
        })
        .await;
        tap.open();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_session_bus_mpris_is_off_and_playback_goes_on() {
        let f = fixture();
        // No address and no XDG_RUNTIME_DIR: nothing to connect to.
        assert!(f.core.start_mpris_from(None, false).await.is_none());
        // An address where no bus listens (a stale DBUS_SESSION_BUS_ADDRESS).
        let dir = tempfile::tempdir().expect("tempdir");
        let stale = format!("unix:path={}", dir.path().join("bus").display());
        assert!(f.core.start_mpris_from(Some(&stale), false).await.is_none());
        assert!(
            f.core
                .start_mpris_from(Some("not an address"), true)
                .await
                .is_none()
        );
        let err = f
            .core
            .start_mpris_at(&stale)
            .await
            .expect_err("no bus there");
        assert!(err.to_string().contains("MPRIS"), "{err}");
        // The player is unaffected.
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        let mut events = f.core.subscribe();
        f.core.play_items(&f.items[..1], 0).expect("play");
        tap.open();
        // Until the track was heard and then the queue ended (a snapshot from before the play,
        // stopped with nothing current, may still be in the channel).
        let mut started = false;
        loop {
            if let Ok(CoreEvent::Player(now)) = events.recv().await {
                started |= now.current.is_some();
                if started && now.status == PlaybackStatus::Stopped && now.current.is_none() {
                    break;
                }
            }
        }
        assert_eq!(tap.frames(), 176_401, "all of track 1, as without MPRIS");
    }
}
