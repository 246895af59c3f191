//! The engine: one thread that owns the queue, the decoders and the output.
//!
//! ```text
//!  Player::send(PlayerCmd) ──mpsc──► engine thread ───────────────────────────────────────────────┐
//!                                     │ all pending commands first, then one block:                │
//!                                     │ decoder.next_block ─► channel map ─► ReplayGain·volume·fade │
//!                                     │   ─► resample (only if rates differ) ─► AudioOutput::write  │
//!                                     │ events are stamped with the output frame they belong to and │
//!                                     ▼ released when AudioOutput::played_frames() reaches it       │
//!  Player::events() ◄──mpsc── PlayerEvent ; Player::state() ◄── PlayerState (PlayerState::apply) ◄─┘
//! ```
//!
//! Gapless: when a track's decoder runs dry the next entry's first block is written right after the last
//! block of the previous one, on the same output, so joins add and drop nothing. The next entry is opened
//! ahead on a helper thread a few seconds before the join, and used if it is still the one that follows.
//! The next entry is chosen at that moment, from the queue as it is then: edits made while a track plays
//! (add, remove, move) take effect at its end without disturbing the join. A track that fails to open
//! or decode yields [`PlayerEvent::TrackError`] and playback goes on with the next one.
//!
//! Growing files ([`QueueItem::growing`]): an entry whose download is incomplete is always opened on a
//! helper thread; until it is open the engine writes nothing and keeps handling commands (the output
//! pauses there; the join stays sample-exact). Once it plays, its reads happen on this thread and may
//! block while the download is behind (up to the stall timeout): the price of keeping one thread.
//!
//! The clock is the output's: an event for track frame `f` fires when output frame
//! `segment_start + (f − segment_track_start)·out_rate/in_rate` has been heard, so cues are exact on
//! the memory and WAV sinks and follow the device's real progress.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::cue::{Cue, CuePayload, CueTrack, Showing, VerseRef};
use crate::decode::{self, TrackDecoder, TrackInfo};
use crate::output::AudioOutput;
use crate::resample::Resample;
use crate::source::{Growing, Input};
use crate::{Error, Position, Result, Volume};

/// A queue entry's identity: stable while the queue is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub u64);

/// Something to play.
#[derive(Clone, Debug)]
pub struct QueueItem {
    /// The file.
    pub path: PathBuf,
    /// Cues (verses, lyrics, chords) for this file.
    pub cues: Option<CueTrack>,
    /// Set when the file is still downloading: it is read through this (see [`Growing`]).
    pub growing: Option<Arc<Growing>>,
}

impl PartialEq for QueueItem {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && self.cues == other.cues
            && match (&self.growing, &other.growing) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl QueueItem {
    /// A file without cues.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        QueueItem {
            path: path.into(),
            cues: None,
            growing: None,
        }
    }

    /// A file that is still downloading: `path` names it (messages, format hint), the bytes are read
    /// through `growing` as they arrive. While it is incomplete the engine opens it on a helper
    /// thread, so a slow download never holds up commands.
    pub fn growing(path: impl Into<PathBuf>, growing: Arc<Growing>) -> Self {
        QueueItem {
            path: path.into(),
            cues: None,
            growing: Some(growing),
        }
    }

    /// What the decoder opens.
    pub fn input(&self) -> Input {
        Input {
            path: self.path.clone(),
            growing: self.growing.clone(),
        }
    }

    /// The same item with cues.
    pub fn with_cues(mut self, cues: CueTrack) -> Self {
        self.cues = Some(cues);
        self
    }
}

/// What happens at the end of a track.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RepeatMode {
    /// Stop after the last entry.
    #[default]
    Off,
    /// Play the current entry again.
    One,
    /// Start over after the last entry.
    All,
}

/// Which ReplayGain figure to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReplayGainMode {
    /// No gain change.
    #[default]
    Off,
    /// Track gain (album gain when there is no track gain).
    Track,
    /// Album gain (track gain when there is no album gain).
    Album,
    /// Album gain in queue order, track gain when shuffling.
    Auto,
}

/// ReplayGain settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplayGain {
    /// Which figure.
    pub mode: ReplayGainMode,
    /// Added to every gain, in dB.
    pub preamp_db: f32,
    /// Gain for files without tags, in dB.
    pub untagged_db: f32,
    /// Lower the gain so that the tagged peak does not clip.
    pub prevent_clipping: bool,
}

impl Default for ReplayGain {
    fn default() -> Self {
        ReplayGain {
            mode: ReplayGainMode::Off,
            preamp_db: 0.0,
            untagged_db: 0.0,
            prevent_clipping: true,
        }
    }
}

impl ReplayGain {
    /// The linear factor for a track with `info`'s tags; `shuffle` decides [`ReplayGainMode::Auto`].
    pub fn factor(&self, info: &TrackInfo, shuffle: bool) -> f32 {
        let t = &info.replay_gain;
        let track = t.track_gain.map(|g| (g, t.track_peak));
        let album = t.album_gain.map(|g| (g, t.album_peak));
        let chosen = match self.mode {
            ReplayGainMode::Off => return 1.0,
            ReplayGainMode::Track => track.or(album),
            ReplayGainMode::Album => album.or(track),
            ReplayGainMode::Auto if shuffle => track.or(album),
            ReplayGainMode::Auto => album.or(track),
        };
        let (gain, peak) = chosen.unwrap_or((self.untagged_db, None));
        let mut f = 10f32.powf((gain + self.preamp_db) / 20.0);
        if self.prevent_clipping
            && let Some(p) = peak.filter(|p| *p > 0.0)
        {
            f = f.min(1.0 / p);
        }
        f
    }
}

/// Playing, paused or stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlaybackStatus {
    /// Nothing is playing; the position is reset.
    #[default]
    Stopped,
    /// Playing.
    Playing,
    /// Paused at a position.
    Paused,
}

/// Commands to the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerCmd {
    /// Start (from the first entry when stopped) or resume.
    Play,
    /// Pause, with a short fade against clicks.
    Pause,
    /// Play when paused or stopped, pause when playing.
    TogglePause,
    /// Stop and forget the position.
    Stop,
    /// Skip to the next entry.
    Next,
    /// Back to the start of the track, or to the previous entry when within 3 s of its start.
    Previous,
    /// Play the entry at this queue index.
    Jump(usize),
    /// Move within the current track to this position (any rate; converted to the track's frames).
    Seek(Position),
    /// Add entries at the end of the queue.
    Append(Vec<QueueItem>),
    /// Insert entries before `index`.
    Insert {
        /// Where.
        index: usize,
        /// What.
        items: Vec<QueueItem>,
    },
    /// Remove the entry at this index (the current entry stops and the next one plays).
    Remove(usize),
    /// Move an entry.
    Move {
        /// From index.
        from: usize,
        /// To index.
        to: usize,
    },
    /// Empty the queue and stop.
    Clear,
    /// Replace an entry's cues (e.g. once lyrics are found).
    SetCues {
        /// Which entry.
        entry: EntryId,
        /// The cues.
        cues: CueTrack,
    },
    /// Output volume.
    SetVolume(Volume),
    /// Repeat mode.
    SetRepeat(RepeatMode),
    /// Shuffle on or off.
    SetShuffle(bool),
    /// ReplayGain settings.
    SetReplayGain(ReplayGain),
    /// Crossfade length between tracks, 0 (off, the default: gapless joins) to 12 s.
    SetCrossfade(Duration),
    /// Keep the verse showing now in [`PlayerState::saved_verses`] ("save this verse for later").
    SaveVerse,
    /// End the engine thread.
    Shutdown,
}

/// What the engine reports. Events that belong to a sample are released when that sample is heard.
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerEvent {
    /// Playing / paused / stopped.
    StatusChanged(PlaybackStatus),
    /// The queue changed (contents or order); read [`PlayerState::queue`].
    QueueChanged(Vec<(EntryId, PathBuf)>),
    /// An entry's first sample is heard now.
    TrackStarted {
        /// Which entry.
        entry: EntryId,
        /// What was opened (codec, rate, gapless source and trims).
        info: TrackInfo,
        /// Output frame of its first sample.
        output_frame: u64,
    },
    /// An entry played to its end; `frames` is how many frames of it were written.
    TrackEnded {
        /// Which entry.
        entry: EntryId,
        /// Output frame just after its last sample.
        output_frame: u64,
    },
    /// The entry cannot be played gaplessly (its joins may have a gap); playback goes on.
    NotGapless {
        /// Which entry.
        entry: EntryId,
        /// Why.
        reason: String,
    },
    /// The entry failed (missing, unsupported, corrupt); playback went on with the next one.
    TrackError {
        /// Which entry.
        entry: EntryId,
        /// Its file.
        path: PathBuf,
        /// What went wrong.
        error: String,
    },
    /// Where playback is, a few times a second.
    Position {
        /// Which entry.
        entry: EntryId,
        /// Position in the track.
        position: Position,
    },
    /// A seek landed.
    Seeked {
        /// Which entry.
        entry: EntryId,
        /// New position.
        position: Position,
    },
    /// A cue starts at exactly this sample.
    Cue {
        /// Which entry.
        entry: EntryId,
        /// The cue (its `at` is the exact start).
        cue: Cue,
        /// Output frame of that sample.
        output_frame: u64,
    },
    /// Everything showing after a jump (track start or seek): the UI replaces all lanes.
    Showing {
        /// Which entry.
        entry: EntryId,
        /// Per lane.
        showing: Showing,
    },
    /// A verse was saved for later.
    VerseSaved(VerseRef),
    /// The end of the queue was reached.
    QueueEnded,
    /// The output failed; playback stopped.
    OutputError(String),
    /// A command could not be carried out (e.g. `Jump` past the end of the queue); nothing changed.
    CommandRejected(String),
}

/// A snapshot of the player.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlayerState {
    /// Status.
    pub status: PlaybackStatus,
    /// The queue in order.
    pub queue: Vec<(EntryId, PathBuf)>,
    /// The entry being heard.
    pub current: Option<EntryId>,
    /// What is known about it.
    pub track: Option<TrackInfo>,
    /// Where in it (updated a few times a second and on seeks).
    pub position: Option<Position>,
    /// What is showing (verse, lyric, chord).
    pub showing: Showing,
    /// Volume.
    pub volume: Option<Volume>,
    /// Repeat mode.
    pub repeat: RepeatMode,
    /// Shuffle.
    pub shuffle: bool,
    /// ReplayGain.
    pub replay_gain: Option<ReplayGain>,
    /// Crossfade length (zero: off).
    pub crossfade: Duration,
    /// Verses saved for later, oldest first.
    pub saved_verses: Vec<VerseRef>,
    /// Last error (track or output), for a toast.
    pub last_error: Option<String>,
}

impl PlayerState {
    /// Applies an event: the one place where state follows events (the UI can mirror state with it).
    pub fn apply(&mut self, ev: &PlayerEvent) {
        match ev {
            PlayerEvent::StatusChanged(s) => {
                self.status = *s;
                if *s == PlaybackStatus::Stopped {
                    self.position = None;
                }
            }
            PlayerEvent::QueueChanged(q) => self.queue = q.clone(),
            PlayerEvent::TrackStarted { entry, info, .. } => {
                self.current = Some(*entry);
                self.track = Some(info.clone());
                self.position = Position::new(0, info.rate).ok();
                self.showing = Showing::default();
            }
            PlayerEvent::TrackEnded { .. } | PlayerEvent::NotGapless { .. } => {}
            PlayerEvent::TrackError { path, error, .. } => {
                self.last_error = Some(format!("{}: {error}", path.display()));
            }
            PlayerEvent::Position { position, .. } | PlayerEvent::Seeked { position, .. } => {
                self.position = Some(*position);
            }
            PlayerEvent::Cue { cue, .. } => {
                let lane = match cue.payload {
                    CuePayload::Verse(_) => &mut self.showing.verse,
                    CuePayload::Lyric { .. } => &mut self.showing.lyric,
                    CuePayload::Chord(_) => &mut self.showing.chord,
                };
                *lane = Some(cue.clone());
            }
            PlayerEvent::Showing { showing, .. } => self.showing = showing.clone(),
            PlayerEvent::VerseSaved(v) => self.saved_verses.push(v.clone()),
            PlayerEvent::QueueEnded => {
                self.current = None;
                self.track = None;
                self.position = None;
            }
            PlayerEvent::OutputError(e) | PlayerEvent::CommandRejected(e) => {
                self.last_error = Some(e.clone())
            }
        }
    }
}

/// Engine settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlayerConfig {
    /// Fade length for pause/resume (against clicks).
    pub fade: Duration,
    /// How often [`PlayerEvent::Position`] is sent.
    pub position_interval: Duration,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        PlayerConfig {
            fade: Duration::from_millis(5),
            position_interval: Duration::from_millis(250),
        }
    }
}

/// The handle the app holds: commands in, events out, a state snapshot.
pub struct Player {
    tx: Sender<PlayerCmd>,
    events: Receiver<PlayerEvent>,
    state: Arc<Mutex<PlayerState>>,
    thread: Option<JoinHandle<()>>,
}

impl Player {
    /// Starts the engine thread on `output` with default settings.
    ///
    /// # Errors
    /// [`Error::EngineGone`] when the thread cannot be started.
    pub fn spawn(output: Box<dyn AudioOutput>) -> Result<Player> {
        Player::with_config(output, PlayerConfig::default())
    }

    /// Starts the engine thread on `output`.
    ///
    /// # Errors
    /// [`Error::EngineGone`] when the thread cannot be started.
    pub fn with_config(output: Box<dyn AudioOutput>, config: PlayerConfig) -> Result<Player> {
        let (tx, rx) = mpsc::channel();
        let (etx, events) = mpsc::channel();
        let state = Arc::new(Mutex::new(PlayerState {
            volume: Some(Volume::FULL),
            replay_gain: Some(ReplayGain::default()),
            ..PlayerState::default()
        }));
        let engine = Engine::new(output, config, rx, etx, state.clone());
        let thread = std::thread::Builder::new()
            .name("cnt-player".into())
            .spawn(move || engine.run())
            .map_err(|_| Error::EngineGone)?;
        Ok(Player {
            tx,
            events,
            state,
            thread: Some(thread),
        })
    }

    /// Sends a command.
    ///
    /// # Errors
    /// [`Error::EngineGone`] when the engine thread has ended.
    pub fn send(&self, cmd: PlayerCmd) -> Result<()> {
        self.tx.send(cmd).map_err(|_| Error::EngineGone)
    }

    /// The event stream (drain it with `try_iter`, or block with `recv`).
    pub fn events(&self) -> &Receiver<PlayerEvent> {
        &self.events
    }

    /// A snapshot of the state.
    pub fn state(&self) -> PlayerState {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Stops the engine, finishes the output (a WAV header is written) and waits for the thread.
    ///
    /// # Errors
    /// [`Error::EngineGone`] when the engine thread panicked.
    pub fn shutdown(mut self) -> Result<()> {
        let _ = self.tx.send(PlayerCmd::Shutdown);
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| Error::EngineGone),
            None => Ok(()),
        }
    }
}

/// A cheap, cloneable handle for sending commands and reading state from any thread (`Send + Sync`),
/// e.g. kept in the UI's context, while the [`Player`] itself (events and thread) lives with whoever
/// drains the events.
#[derive(Clone)]
pub struct PlayerHandle {
    tx: Sender<PlayerCmd>,
    state: Arc<Mutex<PlayerState>>,
}

impl PlayerHandle {
    /// Sends a command.
    ///
    /// # Errors
    /// [`Error::EngineGone`] when the engine thread has ended.
    pub fn send(&self, cmd: PlayerCmd) -> Result<()> {
        self.tx.send(cmd).map_err(|_| Error::EngineGone)
    }

    /// A snapshot of the state.
    pub fn state(&self) -> PlayerState {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Player {
    /// A handle for other threads.
    pub fn handle(&self) -> PlayerHandle {
        PlayerHandle {
            tx: self.tx.clone(),
            state: self.state.clone(),
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.tx.send(PlayerCmd::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Entry {
    id: EntryId,
    item: QueueItem,
}

/// The entry being decoded.
struct Current {
    id: EntryId,
    decoder: Box<dyn TrackDecoder>,
    info: TrackInfo,
    /// Track frames taken from the decoder and written (or carried).
    pos: u64,
    gain: f32,
    cues: Option<CueTrack>,
}

/// The next entry while it fades in over the end of the current one.
struct Incoming {
    cur: Current,
    /// Decoded frames of it not yet mixed.
    buf: Vec<f32>,
    /// Overlap length in frames (= the current track's remaining frames when it began).
    len: u64,
    done: u64,
    /// Output frame of its first sample.
    out_start: u64,
    /// Output frame where the audible track changes (events switch to the incoming track there).
    mid_out: u64,
}

/// A decoder being opened on a helper thread: ahead of time for the entry expected next, or for a
/// file still downloading.
struct Prepared {
    id: EntryId,
    path: PathBuf,
    handle: JoinHandle<Result<Box<dyn TrackDecoder>>>,
}

impl Prepared {
    fn spawn(id: EntryId, item: &QueueItem) -> Option<Prepared> {
        let input = item.input();
        std::thread::Builder::new()
            .name("cnt-player-open".into())
            .spawn(move || decode::open_input(&input))
            .ok()
            .map(|handle| Prepared {
                id,
                path: item.path.clone(),
                handle,
            })
    }

    fn join(self) -> Result<Box<dyn TrackDecoder>> {
        let path = self.path;
        self.handle
            .join()
            .unwrap_or_else(|_| Err(Error::corrupt(&path, "the decoder failed while opening")))
    }
}

/// The entry to play now, while its file is opened on a helper thread (it is still downloading):
/// the engine keeps handling commands meanwhile.
struct Opening {
    prepared: Prepared,
    /// Its queue index when the open began (used if the entry was removed meanwhile).
    index: usize,
    /// Entries tried so far in this start (failures move on; a full round ends the queue).
    tried: usize,
    /// A seek asked while it opened (e.g. a resume position), made once it is open.
    seek: Option<Position>,
}

/// An entry's decoder: here now, or still opening on a helper thread.
enum Opened {
    Now(Result<Box<dyn TrackDecoder>>),
    Later(Prepared),
}

/// How long before a track's end the next one is opened ahead.
const PREPARE_AHEAD: Duration = Duration::from_secs(5);

/// Longest crossfade.
const MAX_CROSSFADE: Duration = Duration::from_secs(12);

/// Maps interleaved frames from `ch_in` to `ch_out` channels, appending to `dst`.
fn map_into(src: &[f32], ch_in: usize, ch_out: usize, dst: &mut Vec<f32>) {
    if ch_in == ch_out {
        dst.extend_from_slice(src);
        return;
    }
    for frame in src.chunks_exact(ch_in) {
        match (ch_in, ch_out) {
            (1, n) => dst.extend(std::iter::repeat_n(frame[0], n)),
            (n, 1) => dst.push(frame.iter().sum::<f32>() / n as f32),
            // Surround to fewer channels: the front channels come first in every layout we decode.
            (_, n) => dst.extend((0..n).map(|c| frame.get(c).copied().unwrap_or(0.0))),
        }
    }
}

/// A stretch of output that maps linearly to one track.
#[derive(Clone, Copy)]
struct Segment {
    out_start: u64,
    track_start: u64,
    in_rate: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum Fade {
    In { done: u64, total: u64 },
    Out { done: u64, total: u64 },
}

struct Engine {
    out: Box<dyn AudioOutput>,
    rate: u32,
    channels: u16,
    config: PlayerConfig,
    rx: Receiver<PlayerCmd>,
    ev: Sender<PlayerEvent>,
    shared: Arc<Mutex<PlayerState>>,
    queue: Vec<Entry>,
    next_id: u64,
    current: Option<Current>,
    /// Decoded frames not yet written (after a fade-out cut a block).
    carry: Vec<f32>,
    status: PlaybackStatus,
    volume: Volume,
    repeat: RepeatMode,
    shuffle: bool,
    shuffle_order: Vec<EntryId>,
    rng: u64,
    replay_gain: ReplayGain,
    /// Crossfade in output frames (0 = off).
    crossfade: u64,
    incoming: Option<Incoming>,
    /// The entry for which a crossfade was already tried (not retried every block).
    crossfade_tried: Option<EntryId>,
    resampler: Option<(u32, Resample)>,
    /// The next entry's decoder, opened ahead.
    prepared: Option<Prepared>,
    /// The entry that should play now, still opening (a file still downloading).
    opening: Option<Opening>,
    /// Output frames the input consumed so far will produce.
    out_cursor: u64,
    rs_base: u64,
    rs_in: u64,
    segment: Option<Segment>,
    pending: VecDeque<(u64, PlayerEvent)>,
    fade: Option<Fade>,
    /// The fade-out finished with this block: pause once it is written.
    pause_after_write: bool,
    /// A volume glide in progress: (from, frames done, frames total); the target is `volume`.
    volume_ramp: Option<(f32, u64, u64)>,
    next_position_event: u64,
    block: Vec<f32>,
    mapped: Vec<f32>,
    resampled: Vec<f32>,
}

impl Engine {
    fn new(
        out: Box<dyn AudioOutput>,
        config: PlayerConfig,
        rx: Receiver<PlayerCmd>,
        ev: Sender<PlayerEvent>,
        shared: Arc<Mutex<PlayerState>>,
    ) -> Engine {
        let rate = out.rate().max(1);
        let channels = out.channels().max(1);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            | 1;
        Engine {
            out,
            rate,
            channels,
            config,
            rx,
            ev,
            shared,
            queue: Vec::new(),
            next_id: 1,
            current: None,
            carry: Vec::new(),
            status: PlaybackStatus::Stopped,
            volume: Volume::FULL,
            repeat: RepeatMode::Off,
            shuffle: false,
            shuffle_order: Vec::new(),
            rng: seed,
            replay_gain: ReplayGain::default(),
            crossfade: 0,
            incoming: None,
            crossfade_tried: None,
            resampler: None,
            prepared: None,
            opening: None,
            out_cursor: 0,
            rs_base: 0,
            rs_in: 0,
            segment: None,
            pending: VecDeque::new(),
            fade: None,
            pause_after_write: false,
            volume_ramp: None,
            next_position_event: 0,
            block: Vec::new(),
            mapped: Vec::new(),
            resampled: Vec::new(),
        }
    }

    fn run(mut self) {
        loop {
            let cmd = if self.status == PlaybackStatus::Playing && self.opening.is_none() {
                match self.rx.try_recv() {
                    Ok(c) => Some(c),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => break,
                }
            } else {
                self.release_events();
                if self.pending.is_empty() && self.opening.is_none() {
                    // Nothing to play and nothing waiting to be heard: sleep until a command comes.
                    match self.rx.recv() {
                        Ok(c) => Some(c),
                        Err(_) => break,
                    }
                } else {
                    // A device is still playing out what was written, or a file is being opened:
                    // look again shortly.
                    match self.rx.recv_timeout(Duration::from_millis(20)) {
                        Ok(c) => Some(c),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            if let Some(cmd) = cmd {
                if cmd == PlayerCmd::Shutdown {
                    break;
                }
                self.handle(cmd);
                continue;
            }
            if self.status == PlaybackStatus::Playing {
                self.produce();
            }
            self.release_events();
        }
        self.flush_resampler();
        if let Err(e) = self.out.finish() {
            self.emit_now(PlayerEvent::OutputError(e.to_string()));
        }
        // Whatever is still scheduled has been written: let it out.
        while let Some((_, e)) = self.pending.pop_front() {
            self.emit_now(e);
        }
    }

    // ---- events -------------------------------------------------------------------------------

    fn emit_now(&self, e: PlayerEvent) {
        self.shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .apply(&e);
        // The app may have dropped its receiver; the engine carries on regardless.
        let _ = self.ev.send(e);
    }

    fn schedule(&mut self, frame: u64, e: PlayerEvent) {
        // Kept in frame order; events for the same frame keep their order.
        let at = self.pending.partition_point(|(f, _)| *f <= frame);
        self.pending.insert(at, (frame, e));
    }

    fn release_events(&mut self) {
        let played = self.out.played_frames();
        while self.pending.front().is_some_and(|(f, _)| *f <= played) {
            if let Some((_, e)) = self.pending.pop_front() {
                self.emit_now(e);
            }
        }
    }

    /// Before buffered audio is dropped (seek, skip, stop): events that belong to samples that will
    /// now never be heard are dropped too; errors and ends are kept.
    fn drop_unheard(&mut self) {
        let played = self.out.played_frames();
        self.pending.retain(|(f, e)| {
            *f <= played
                || !matches!(
                    e,
                    PlayerEvent::Cue { .. }
                        | PlayerEvent::Position { .. }
                        | PlayerEvent::Showing { .. }
                        | PlayerEvent::TrackStarted { .. }
                        | PlayerEvent::NotGapless { .. }
                        | PlayerEvent::Seeked { .. }
                )
        });
    }

    fn set_status(&mut self, s: PlaybackStatus) {
        if self.status != s {
            self.status = s;
            self.emit_now(PlayerEvent::StatusChanged(s));
        }
    }

    fn queue_changed(&mut self) {
        let q = self
            .queue
            .iter()
            .map(|e| (e.id, e.item.path.clone()))
            .collect();
        self.emit_now(PlayerEvent::QueueChanged(q));
    }

    // ---- commands -----------------------------------------------------------------------------

    fn handle(&mut self, cmd: PlayerCmd) {
        match cmd {
            PlayerCmd::Play => self.play(),
            PlayerCmd::Pause => self.pause(),
            PlayerCmd::TogglePause => {
                if self.status == PlaybackStatus::Playing {
                    self.pause();
                } else {
                    self.play();
                }
            }
            PlayerCmd::Stop => self.stop(),
            PlayerCmd::Next => {
                let next = self.following(self.current_index(), false);
                self.jump_to(next);
            }
            PlayerCmd::Previous => self.previous(),
            PlayerCmd::Jump(i) => {
                if i < self.queue.len() {
                    self.jump_to(Some(i));
                } else {
                    self.emit_now(PlayerEvent::CommandRejected(
                        Error::NoSuchEntry {
                            index: i,
                            len: self.queue.len(),
                        }
                        .to_string(),
                    ));
                }
            }
            PlayerCmd::Seek(p) => self.seek(p),
            PlayerCmd::Append(items) => {
                let at = self.queue.len();
                self.insert(at, items);
            }
            PlayerCmd::Insert { index, items } => self.insert(index.min(self.queue.len()), items),
            PlayerCmd::Remove(i) => self.remove(i),
            PlayerCmd::Move { from, to } => {
                if from < self.queue.len() {
                    let e = self.queue.remove(from);
                    let to = to.min(self.queue.len());
                    self.queue.insert(to, e);
                    self.queue_changed();
                }
            }
            PlayerCmd::Clear => {
                self.stop();
                self.queue.clear();
                self.shuffle_order.clear();
                self.queue_changed();
            }
            PlayerCmd::SetCues { entry, cues } => {
                if let Some(e) = self.queue.iter_mut().find(|e| e.id == entry) {
                    e.item.cues = Some(cues.clone());
                }
                if let Some(c) = self.current.as_mut().filter(|c| c.id == entry) {
                    c.cues = Some(cues);
                }
            }
            PlayerCmd::SetVolume(v) => {
                if self.status == PlaybackStatus::Playing && v != self.volume {
                    let from = match self.volume_ramp {
                        // Mid-glide: start the new one from about where the old one got to.
                        Some((from, done, total)) => {
                            let x = done as f32 / total as f32;
                            from + (self.volume.linear() - from) * x
                        }
                        None => self.volume.linear(),
                    };
                    self.volume_ramp = Some((from, 0, self.fade_frames()));
                }
                self.volume = v;
                self.shared_mut(|s| s.volume = Some(v));
            }
            PlayerCmd::SetRepeat(r) => {
                self.repeat = r;
                self.shared_mut(|s| s.repeat = r);
            }
            PlayerCmd::SetShuffle(on) => {
                self.shuffle = on;
                if on {
                    self.reshuffle();
                }
                self.shared_mut(|s| s.shuffle = on);
            }
            PlayerCmd::SetReplayGain(rg) => {
                self.replay_gain = rg;
                if let Some(c) = self.current.as_mut() {
                    c.gain = rg.factor(&c.info, self.shuffle);
                }
                self.shared_mut(|s| s.replay_gain = Some(rg));
            }
            PlayerCmd::SetCrossfade(d) => {
                let d = d.min(MAX_CROSSFADE);
                self.crossfade = (d.as_micros() as u64 * u64::from(self.rate)) / 1_000_000;
                self.shared_mut(|s| s.crossfade = d);
            }
            PlayerCmd::SaveVerse => {
                let verse = self
                    .shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .showing
                    .verse
                    .clone();
                if let Some(Cue {
                    payload: CuePayload::Verse(v),
                    ..
                }) = verse
                {
                    self.emit_now(PlayerEvent::VerseSaved(v));
                }
            }
            PlayerCmd::Shutdown => {}
        }
    }

    fn shared_mut(&self, f: impl FnOnce(&mut PlayerState)) {
        f(&mut self
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    fn fade_frames(&self) -> u64 {
        (self.config.fade.as_micros() as u64 * u64::from(self.rate) / 1_000_000).max(1)
    }

    fn play(&mut self) {
        match self.status {
            PlaybackStatus::Playing => {
                if let Some(Fade::Out { done, total }) = self.fade {
                    // Resumed during the fade-out: fade back in from where it got to.
                    self.fade = Some(Fade::In {
                        done: total - done,
                        total,
                    });
                }
            }
            PlaybackStatus::Paused => {
                self.out.resume();
                self.fade = Some(Fade::In {
                    done: 0,
                    total: self.fade_frames(),
                });
                self.set_status(PlaybackStatus::Playing);
            }
            PlaybackStatus::Stopped => {
                if self.queue.is_empty() {
                    return;
                }
                self.set_status(PlaybackStatus::Playing);
            }
        }
    }

    fn pause(&mut self) {
        if self.status == PlaybackStatus::Playing
            && self.current.is_none()
            && self.opening.is_some()
        {
            // Nothing is sounding yet: no fade to make.
            self.out.pause();
            self.set_status(PlaybackStatus::Paused);
            return;
        }
        if self.status == PlaybackStatus::Playing && self.current.is_some() {
            self.fade = Some(Fade::Out {
                done: 0,
                total: self.fade_frames(),
            });
        }
    }

    fn stop(&mut self) {
        self.drop_unheard();
        self.incoming = None;
        self.prepared = None;
        self.opening = None;
        // Stopping drops what the resampler holds: its tail would be heard after the stop.
        self.resampler = None;
        self.out.discard_buffered();
        self.current = None;
        self.carry.clear();
        self.fade = None;
        self.segment = None;
        self.resync_cursor();
        self.set_status(PlaybackStatus::Stopped);
    }

    fn current_index(&self) -> Option<usize> {
        let id = self
            .current
            .as_ref()
            .map(|c| c.id)
            .or_else(|| self.opening.as_ref().map(|o| o.prepared.id))?;
        self.queue.iter().position(|e| e.id == id)
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64: shuffling needs no cryptographic quality.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    fn reshuffle(&mut self) {
        let mut ids: Vec<EntryId> = self.queue.iter().map(|e| e.id).collect();
        for i in (1..ids.len()).rev() {
            let j = (self.next_random() % (i as u64 + 1)) as usize;
            ids.swap(i, j);
        }
        // The entry playing now comes first, so shuffle never repeats it before the others.
        if let Some(cur) = self.current.as_ref().map(|c| c.id)
            && let Some(p) = ids.iter().position(|i| *i == cur)
        {
            let c = ids.remove(p);
            ids.insert(0, c);
        }
        self.shuffle_order = ids;
    }

    /// The entry after `from` (`None` = before the first). `at_end` applies repeat-one.
    fn following(&mut self, from: Option<usize>, at_end: bool) -> Option<usize> {
        if self.queue.is_empty() {
            return None;
        }
        if at_end
            && self.repeat == RepeatMode::One
            && let Some(i) = from
        {
            return Some(i);
        }
        if self.shuffle {
            if self.shuffle_order.len() != self.queue.len() {
                self.reshuffle();
            }
            let cur = from.map(|i| self.queue[i].id);
            let pos = cur.and_then(|id| self.shuffle_order.iter().position(|x| *x == id));
            let next = match pos {
                None => Some(0),
                Some(p) if p + 1 < self.shuffle_order.len() => Some(p + 1),
                Some(_) if self.repeat == RepeatMode::All => {
                    self.reshuffle();
                    Some(0)
                }
                Some(_) => None,
            }?;
            let id = self.shuffle_order[next];
            return self.queue.iter().position(|e| e.id == id);
        }
        match from {
            None => Some(0),
            Some(i) if i + 1 < self.queue.len() => Some(i + 1),
            Some(_) if self.repeat == RepeatMode::All => Some(0),
            Some(_) => None,
        }
    }

    fn previous(&mut self) {
        let Some(cur) = self.current.as_ref() else {
            return;
        };
        let three_s = u64::from(cur.info.rate) * 3;
        if cur.pos > three_s {
            let p = Position::new(0, cur.info.rate).ok();
            if let Some(p) = p {
                self.seek(p);
            }
            return;
        }
        let idx = self.current_index();
        if self.shuffle && self.shuffle_order.len() == self.queue.len() {
            // Back through the shuffled order, not the queue order.
            let id = cur.id;
            let pos = self.shuffle_order.iter().position(|x| *x == id);
            let prev_id = match pos {
                Some(0) | None => self.shuffle_order.first().copied(),
                Some(p) => Some(self.shuffle_order[p - 1]),
            };
            let prev = prev_id.and_then(|pid| self.queue.iter().position(|e| e.id == pid));
            self.jump_to(prev.or(idx));
            return;
        }
        let prev = match idx {
            Some(0) if self.repeat == RepeatMode::All => Some(self.queue.len() - 1),
            Some(0) | None => Some(0),
            Some(i) => Some(i - 1),
        };
        self.jump_to(prev);
    }

    /// An interrupting change of track (next, previous, jump): what is buffered is dropped.
    fn jump_to(&mut self, index: Option<usize>) {
        self.drop_unheard();
        self.incoming = None;
        self.opening = None;
        self.out.discard_buffered();
        self.resampler = None;
        self.current = None;
        self.carry.clear();
        self.resync_cursor();
        match index {
            Some(i) => {
                if self.status == PlaybackStatus::Stopped {
                    self.set_status(PlaybackStatus::Playing);
                }
                self.start_at(i);
            }
            None => self.queue_end(),
        }
    }

    fn insert(&mut self, index: usize, items: Vec<QueueItem>) {
        for (k, item) in items.into_iter().enumerate() {
            let id = EntryId(self.next_id);
            self.next_id += 1;
            self.queue.insert(index + k, Entry { id, item });
            if self.shuffle {
                // New entries go somewhere after the current one in the shuffled order.
                let lo = self
                    .current
                    .as_ref()
                    .and_then(|c| self.shuffle_order.iter().position(|x| *x == c.id))
                    .map_or(0, |p| p + 1);
                let span = (self.shuffle_order.len() - lo.min(self.shuffle_order.len())) as u64 + 1;
                let at = lo + (self.next_random() % span) as usize;
                self.shuffle_order
                    .insert(at.min(self.shuffle_order.len()), id);
            }
        }
        self.queue_changed();
    }

    fn remove(&mut self, i: usize) {
        if i >= self.queue.len() {
            return;
        }
        let is_current = self.current_index() == Some(i);
        let e = self.queue.remove(i);
        self.shuffle_order.retain(|x| *x != e.id);
        if let Some(inc) = self.incoming.take_if(|inc| inc.cur.id == e.id) {
            // Removed while fading in: the current track plays on alone, gliding back from where its
            // fade-out had got to, and the incoming entry's announcements not heard yet are withdrawn.
            let r = inc.done as f32 / inc.len as f32;
            let level = (r * std::f32::consts::FRAC_PI_2).cos();
            self.volume_ramp = Some((self.volume.linear() * level, 0, self.fade_frames()));
            let played = self.out.played_frames();
            self.pending.retain(|(f, ev)| {
                *f <= played
                    || !matches!(ev, PlayerEvent::TrackStarted { entry, .. } | PlayerEvent::Showing { entry, .. } if *entry == e.id)
            });
        }
        self.queue_changed();
        if is_current {
            // The entry that took its place plays next.
            let next = if i < self.queue.len() {
                Some(i)
            } else if self.repeat == RepeatMode::All && !self.queue.is_empty() {
                Some(0)
            } else {
                None
            };
            if self.status == PlaybackStatus::Stopped {
                self.current = None;
            } else {
                self.jump_to(next);
            }
        }
    }

    fn seek(&mut self, to: Position) {
        if self.current.is_none()
            && let Some(o) = self.opening.as_mut()
        {
            // Still opening (downloading): seek once it is open.
            o.seek = Some(to);
            return;
        }
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let Ok(p) = to.at_rate(cur.info.rate) else {
            return;
        };
        let frame = match cur.info.frames {
            Some(n) => p.frames().min(n),
            None => p.frames(),
        };
        let id = cur.id;
        let rate = cur.info.rate;
        if let Err(e) = cur.decoder.seek(frame) {
            let path = self.path_of(id);
            self.emit_now(PlayerEvent::TrackError {
                entry: id,
                path,
                error: e.to_string(),
            });
            let next = self.following(self.current_index(), false);
            self.jump_to(next);
            return;
        }
        cur.pos = frame;
        self.incoming = None;
        self.crossfade_tried = None;
        let showing = cur
            .cues
            .as_ref()
            .map(|c| c.showing(Position::new(frame, rate).unwrap_or(to)))
            .unwrap_or_default();
        self.carry.clear();
        self.drop_unheard();
        self.out.discard_buffered();
        self.resampler = None;
        self.resync_cursor();
        self.segment = Some(Segment {
            out_start: self.out_cursor,
            track_start: frame,
            in_rate: rate,
        });
        let position = Position::new(frame, rate).unwrap_or(to);
        let at = self.out_cursor;
        self.schedule(
            at,
            PlayerEvent::Seeked {
                entry: id,
                position,
            },
        );
        self.schedule(at, PlayerEvent::Showing { entry: id, showing });
    }

    fn path_of(&self, id: EntryId) -> PathBuf {
        self.queue
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.item.path.clone())
            .unwrap_or_default()
    }

    // ---- producing audio ----------------------------------------------------------------------

    fn resync_cursor(&mut self) {
        self.out_cursor = self.out.written_frames();
        self.rs_base = self.out_cursor;
        self.rs_in = 0;
    }

    fn flush_resampler(&mut self) {
        if let Some((_, mut rs)) = self.resampler.take() {
            self.resampled.clear();
            match rs.finish(&mut self.resampled) {
                Ok(()) => {
                    let buf = std::mem::take(&mut self.resampled);
                    self.write_out(&buf);
                    self.resampled = buf;
                }
                Err(e) => self.emit_now(PlayerEvent::OutputError(e.to_string())),
            }
        }
        self.resync_cursor();
    }

    /// The decoder for entry `id`: the one opened ahead if it is for this entry and file, else opened
    /// now. A file still downloading is opened on a helper thread ([`Opened::Later`]) so that the
    /// engine never waits on the network here: its header may not have arrived yet.
    fn open_entry(&mut self, id: EntryId, item: &QueueItem) -> Opened {
        match self.prepared.take() {
            Some(p) if p.id == id && p.path == item.path => {
                if item.growing.is_some() && !p.handle.is_finished() {
                    Opened::Later(p)
                } else {
                    Opened::Now(p.join())
                }
            }
            // Not the one expected (the queue changed): the helper finishes on its own and is dropped.
            _ if item.input().is_incomplete() => match Prepared::spawn(id, item) {
                Some(p) => Opened::Later(p),
                None => Opened::Now(decode::open_input(&item.input())),
            },
            _ => Opened::Now(decode::open_input(&item.input())),
        }
    }

    /// The entry that will follow the current one at its end, without changing anything (a shuffle
    /// that would wrap and reshuffle is not predicted).
    fn peek_next(&self) -> Option<usize> {
        let idx = self.current_index()?;
        if self.repeat == RepeatMode::One {
            return Some(idx);
        }
        if self.shuffle {
            if self.shuffle_order.len() != self.queue.len() {
                return None;
            }
            let id = self.queue[idx].id;
            let pos = self.shuffle_order.iter().position(|x| *x == id)?;
            let next = *self.shuffle_order.get(pos + 1)?;
            return self.queue.iter().position(|e| e.id == next);
        }
        if idx + 1 < self.queue.len() {
            Some(idx + 1)
        } else if self.repeat == RepeatMode::All {
            Some(0)
        } else {
            None
        }
    }

    /// A few seconds before the current track ends, opens the next one on a helper thread, so the
    /// join does not wait for a slow disk or network file system.
    fn prepare_next(&mut self) {
        if self.prepared.is_some() || self.incoming.is_some() {
            return;
        }
        let Some(cur) = self.current.as_ref() else {
            return;
        };
        let Some(total) = cur.info.frames else {
            return;
        };
        let ahead = PREPARE_AHEAD.as_secs() * u64::from(cur.info.rate);
        if total.saturating_sub(cur.pos) > ahead {
            return;
        }
        let Some(i) = self.peek_next() else {
            return;
        };
        let (id, item) = (self.queue[i].id, self.queue[i].item.clone());
        self.prepared = Prepared::spawn(id, &item);
    }

    /// Opens the entry at `index` (or the next ones that work) and makes it current.
    fn start_at(&mut self, index: usize) {
        self.start_trying(index, 0);
    }

    /// [`Engine::start_at`], `tried` entries into the attempt.
    fn start_trying(&mut self, mut index: usize, mut tried: usize) {
        self.opening = None;
        loop {
            if tried > self.queue.len() || index >= self.queue.len() {
                self.queue_end();
                return;
            }
            tried += 1;
            let (id, item) = (self.queue[index].id, self.queue[index].item.clone());
            let result = match self.open_entry(id, &item) {
                Opened::Now(r) => r,
                Opened::Later(prepared) => {
                    self.opening = Some(Opening {
                        prepared,
                        index,
                        tried,
                        seek: None,
                    });
                    return;
                }
            };
            match self.begin_entry(id, item, result) {
                Some(next) => index = next,
                None => return,
            }
        }
    }

    /// While the entry to play is opening on a helper thread: once it is open, it starts (or, if it
    /// failed, the next one is tried). Until then nothing is written; commands keep being handled.
    fn poll_opening(&mut self) {
        let Some(o) = self.opening.take() else {
            return;
        };
        if !o.prepared.handle.is_finished() {
            self.opening = Some(o);
            return;
        }
        let id = o.prepared.id;
        let seek = o.seek;
        let result = o.prepared.join();
        match self.queue.iter().position(|e| e.id == id) {
            Some(index) => {
                let item = self.queue[index].item.clone();
                match self.begin_entry(id, item, result) {
                    Some(next) => self.start_trying(next, o.tried),
                    None => {
                        if let Some(to) = seek
                            && self.current.as_ref().is_some_and(|c| c.id == id)
                        {
                            self.seek(to);
                        }
                    }
                }
            }
            // Removed while it opened: the entry that took its place plays.
            None if o.index < self.queue.len() => self.start_trying(o.index, o.tried),
            None => self.queue_end(),
        }
    }

    /// Makes an opened entry current, or reports its error; returns the index to try next after an
    /// error (`None`: started, or nothing left).
    fn begin_entry(
        &mut self,
        id: EntryId,
        item: QueueItem,
        result: Result<Box<dyn TrackDecoder>>,
    ) -> Option<usize> {
        match result {
            Ok(decoder) => {
                let info = decoder.info().clone();
                if self
                    .resampler
                    .as_ref()
                    .is_some_and(|(r, _)| *r != info.rate)
                {
                    self.flush_resampler();
                }
                let at = self.out_cursor;
                self.segment = Some(Segment {
                    out_start: at,
                    track_start: 0,
                    in_rate: info.rate,
                });
                self.next_position_event = at;
                self.schedule(
                    at,
                    PlayerEvent::TrackStarted {
                        entry: id,
                        info: info.clone(),
                        output_frame: at,
                    },
                );
                // A new track starts with empty lanes; its cues fill them from its first sample.
                self.schedule(
                    at,
                    PlayerEvent::Showing {
                        entry: id,
                        showing: Showing::default(),
                    },
                );
                if let decode::TrimSource::Unavailable(reason) = &info.gapless.source {
                    self.schedule(
                        at,
                        PlayerEvent::NotGapless {
                            entry: id,
                            reason: reason.clone(),
                        },
                    );
                }
                let gain = self.replay_gain.factor(&info, self.shuffle);
                self.current = Some(Current {
                    id,
                    decoder,
                    info,
                    pos: 0,
                    gain,
                    cues: item.cues,
                });
                None
            }
            Err(e) => {
                let at = self.out_cursor;
                self.schedule(
                    at,
                    PlayerEvent::TrackError {
                        entry: id,
                        path: item.path.clone(),
                        error: e.to_string(),
                    },
                );
                let index = self.queue.iter().position(|e| e.id == id);
                match self.following(index, false) {
                    Some(n) => Some(n),
                    None => {
                        self.queue_end();
                        None
                    }
                }
            }
        }
    }

    fn queue_end(&mut self) {
        self.flush_resampler();
        self.current = None;
        self.segment = None;
        let at = self.out_cursor;
        self.schedule(at, PlayerEvent::QueueEnded);
        self.status = PlaybackStatus::Stopped;
        self.schedule(at, PlayerEvent::StatusChanged(PlaybackStatus::Stopped));
    }

    /// Output frame of track frame `f` in the current segment.
    fn out_frame_of(&self, f: u64) -> u64 {
        match self.segment {
            Some(s) => {
                let d = f.saturating_sub(s.track_start);
                s.out_start
                    + (d * u64::from(self.rate) + u64::from(s.in_rate) / 2) / u64::from(s.in_rate)
            }
            None => self.out_cursor,
        }
    }

    fn produce(&mut self) {
        if self.opening.is_some() {
            self.poll_opening();
            return;
        }
        if self.current.is_none() {
            let next = self.following(None, false);
            match next {
                Some(i) => self.start_at(i),
                None => self.queue_end(),
            }
            return;
        }
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let ch_in = usize::from(cur.info.channels.max(1));
        self.block.clear();
        let frames = if !self.carry.is_empty() {
            std::mem::swap(&mut self.block, &mut self.carry);
            self.block.len() / ch_in
        } else {
            match cur.decoder.next_block(&mut self.block) {
                Ok(n) => n,
                Err(e) => {
                    let (id, at) = (cur.id, self.out_cursor);
                    let path = self.path_of(id);
                    self.schedule(
                        at,
                        PlayerEvent::TrackError {
                            entry: id,
                            path,
                            error: e.to_string(),
                        },
                    );
                    self.track_finished();
                    return;
                }
            }
        };
        if frames == 0 {
            self.track_finished();
            return;
        }
        // A fade-out ends the block where the fade ends; the rest waits for resume.
        let mut take = frames;
        if let Some(Fade::Out { done, total }) = self.fade {
            take = take.min((total - done) as usize).max(1);
            if take < frames {
                self.carry.extend_from_slice(&self.block[take * ch_in..]);
                self.block.truncate(take * ch_in);
            }
        }
        take = self.crossfade_split(take, ch_in);
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let start = cur.pos;
        cur.pos += take as u64;
        let (id, rate, gain) = (cur.id, cur.info.rate, cur.gain);
        let cue_hits: Vec<Cue> = cur
            .cues
            .as_ref()
            .map(|c| {
                c.starting_in(start, start + take as u64, rate)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        // During a crossfade the outgoing track's cues stop where the incoming one becomes the one heard.
        let heard_until = self.incoming.as_ref().map_or(u64::MAX, |i| i.mid_out);
        for cue in cue_hits {
            let f = self.out_frame_of(cue.frame_at(rate));
            if f < heard_until {
                self.schedule(
                    f,
                    PlayerEvent::Cue {
                        entry: id,
                        cue,
                        output_frame: f,
                    },
                );
            }
        }
        self.position_events(start + take as u64, id, rate, start);
        self.map_channels(ch_in);
        if self.incoming.is_some() {
            self.mix_incoming(take, gain);
            self.apply_gain(1.0);
        } else {
            self.apply_gain(gain);
        }
        self.write_block(rate, take as u64);
        self.prepare_next();
        if std::mem::take(&mut self.pause_after_write) {
            self.out.pause();
            self.set_status(PlaybackStatus::Paused);
        }
    }

    /// Position events, a few times a second of output, up to the end of this block.
    fn position_events(&mut self, block_end: u64, id: EntryId, rate: u32, start: u64) {
        let end_out = self.out_frame_of(block_end);
        let step = (self.config.position_interval.as_micros() as u64 * u64::from(self.rate)
            / 1_000_000)
            .max(1);
        while self.next_position_event < end_out {
            let f = self.next_position_event;
            let (entry, track_f, r) = match (&self.incoming, self.segment) {
                (Some(inc), _) if f >= inc.mid_out => {
                    (inc.cur.id, f - inc.out_start, inc.cur.info.rate)
                }
                (_, Some(s)) => (
                    id,
                    s.track_start
                        + (f.saturating_sub(s.out_start) * u64::from(s.in_rate)
                            + u64::from(self.rate) / 2)
                            / u64::from(self.rate),
                    rate,
                ),
                (_, None) => (id, start, rate),
            };
            if let Ok(position) = Position::new(track_f, r) {
                self.schedule(f, PlayerEvent::Position { entry, position });
            }
            self.next_position_event += step;
        }
    }

    /// With a crossfade set, cuts the block where the overlap with the next track begins (the rest is
    /// carried to the next round) and opens the next track there. Returns the frames to play now.
    fn crossfade_split(&mut self, take: usize, ch_in: usize) -> usize {
        if self.crossfade == 0
            || self.incoming.is_some()
            || self.fade.is_some()
            || self.resampler.is_some()
        {
            return take;
        }
        let Some(cur) = self.current.as_ref() else {
            return take;
        };
        let Some(total) = cur.info.frames else {
            return take;
        };
        if cur.info.rate != self.rate || self.crossfade_tried == Some(cur.id) {
            return take;
        }
        let overlap_start = total.saturating_sub(self.crossfade);
        let (start, end) = (cur.pos, cur.pos + take as u64);
        if end <= overlap_start {
            return take;
        }
        if start < overlap_start {
            let keep = (overlap_start - start) as usize;
            let mut rest = self.block.split_off(keep * ch_in);
            rest.append(&mut self.carry);
            self.carry = rest;
            return keep;
        }
        self.begin_crossfade(total - start);
        take
    }

    /// Opens the next entry to fade in over the last `remaining` frames of the current one. Only when
    /// both run at the output rate and the next one is long enough; otherwise the join stays gapless.
    fn begin_crossfade(&mut self, remaining: u64) {
        let Some(id) = self.current.as_ref().map(|c| c.id) else {
            return;
        };
        self.crossfade_tried = Some(id);
        let Some(index) = self
            .queue
            .iter()
            .position(|e| e.id == id)
            .and_then(|i| self.following(Some(i), true))
        else {
            return;
        };
        let (nid, item) = (self.queue[index].id, self.queue[index].item.clone());
        // A file that fails here is reported when it is reached the ordinary way; one still opening
        // (downloading) is not waited for: that join stays gapless without a crossfade.
        let decoder = match self.open_entry(nid, &item) {
            Opened::Now(Ok(d)) => d,
            Opened::Now(Err(_)) => return,
            Opened::Later(p) => {
                self.prepared = Some(p);
                return;
            }
        };
        let info = decoder.info().clone();
        if info.rate != self.rate || info.frames.is_none_or(|n| n < remaining) {
            return;
        }
        let out_start = self.out_cursor;
        let mid_out = out_start + remaining / 2;
        self.schedule(
            mid_out,
            PlayerEvent::TrackStarted {
                entry: nid,
                info: info.clone(),
                output_frame: out_start,
            },
        );
        let showing = item
            .cues
            .as_ref()
            .and_then(|c| {
                Position::new(remaining / 2, info.rate)
                    .ok()
                    .map(|p| c.showing(p))
            })
            .unwrap_or_default();
        self.schedule(
            mid_out,
            PlayerEvent::Showing {
                entry: nid,
                showing,
            },
        );
        let gain = self.replay_gain.factor(&info, self.shuffle);
        self.incoming = Some(Incoming {
            cur: Current {
                id: nid,
                decoder,
                info,
                pos: 0,
                gain,
                cues: item.cues,
            },
            buf: Vec::new(),
            len: remaining,
            done: 0,
            out_start,
            mid_out,
        });
    }

    /// Mixes `take` frames of the incoming track into `mapped` (equal-power curves; each track's own
    /// ReplayGain; `out_gain` is the outgoing track's).
    fn mix_incoming(&mut self, take: usize, out_gain: f32) {
        let ch_out = usize::from(self.channels);
        let Some(inc) = self.incoming.as_mut() else {
            return;
        };
        let ch_b = usize::from(inc.cur.info.channels.max(1));
        while inc.buf.len() < take * ch_b {
            match inc.cur.decoder.next_block(&mut inc.buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let got = (inc.buf.len() / ch_b).min(take);
        let start = inc.cur.pos;
        inc.cur.pos += got as u64;
        let mut b = Vec::with_capacity(take * ch_out);
        map_into(&inc.buf[..got * ch_b], ch_b, ch_out, &mut b);
        inc.buf.drain(..got * ch_b);
        b.resize(take * ch_out, 0.0);
        let (len, done, in_gain) = (inc.len as f32, inc.done, inc.cur.gain);
        for (i, (a, b)) in self
            .mapped
            .chunks_exact_mut(ch_out)
            .zip(b.chunks_exact(ch_out))
            .enumerate()
        {
            let r = ((done + i as u64) as f32 + 0.5) / len;
            let (g_out, g_in) = (
                (r * std::f32::consts::FRAC_PI_2).cos(),
                (r * std::f32::consts::FRAC_PI_2).sin(),
            );
            for (x, y) in a.iter_mut().zip(b) {
                *x = *x * out_gain * g_out + y * in_gain * g_in;
            }
        }
        inc.done += take as u64;
        // The incoming track's cues fire once it is the one heard.
        let (nid, rate, out_start, mid_out) =
            (inc.cur.id, inc.cur.info.rate, inc.out_start, inc.mid_out);
        let hits: Vec<Cue> = inc
            .cur
            .cues
            .as_ref()
            .map(|c| {
                c.starting_in(start, start + got as u64, rate)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for cue in hits {
            let f = out_start + cue.frame_at(rate);
            if f >= mid_out {
                self.schedule(
                    f,
                    PlayerEvent::Cue {
                        entry: nid,
                        cue,
                        output_frame: f,
                    },
                );
            }
        }
    }

    fn map_channels(&mut self, ch_in: usize) {
        self.mapped.clear();
        map_into(
            &self.block,
            ch_in,
            usize::from(self.channels),
            &mut self.mapped,
        );
    }

    fn apply_gain(&mut self, gain: f32) {
        let ch = usize::from(self.channels);
        if let Some((from, done, total)) = self.volume_ramp {
            // A volume change glides over the fade length instead of jumping (a jump clicks).
            let to = self.volume.linear();
            let mut done = done;
            for frame in self.mapped.chunks_exact_mut(ch) {
                let x = (done as f32 / total as f32).min(1.0);
                let v = from + (to - from) * x;
                frame.iter_mut().for_each(|s| *s *= v);
                done += 1;
            }
            self.volume_ramp = (done < total).then_some((from, done, total));
            // The ramp carried the volume; the rest below applies gain and fade only.
            return self.apply_gain_and_fade(gain, ch);
        }
        self.apply_gain_and_fade(gain * self.volume.linear(), ch);
    }

    fn apply_gain_and_fade(&mut self, g: f32, ch: usize) {
        match self.fade {
            None => {
                if (g - 1.0).abs() > f32::EPSILON {
                    self.mapped.iter_mut().for_each(|s| *s *= g);
                }
            }
            Some(fade) => {
                let (mut done, total, out) = match fade {
                    Fade::In { done, total } => (done, total, false),
                    Fade::Out { done, total } => (done, total, true),
                };
                for frame in self.mapped.chunks_exact_mut(ch) {
                    let r = if done >= total {
                        if out { 0.0 } else { 1.0 }
                    } else {
                        let x = done as f32 / total as f32;
                        if out { 1.0 - x } else { x }
                    };
                    frame.iter_mut().for_each(|s| *s *= g * r);
                    done += 1;
                }
                if done >= total {
                    self.fade = None;
                    if out {
                        self.pause_after_write = true;
                    }
                } else {
                    self.fade = Some(if out {
                        Fade::Out { done, total }
                    } else {
                        Fade::In { done, total }
                    });
                }
            }
        }
    }

    fn write_block(&mut self, rate: u32, frames: u64) {
        if rate != self.rate {
            if self.resampler.is_none() {
                match Resample::new(rate, self.rate, self.channels) {
                    Ok(r) => {
                        self.resync_cursor();
                        self.resampler = Some((rate, r));
                    }
                    Err(e) => {
                        self.emit_now(PlayerEvent::OutputError(e.to_string()));
                        self.stop();
                        return;
                    }
                }
            }
            self.resampled.clear();
            let res = match self.resampler.as_mut() {
                Some((_, rs)) => rs.push(&self.mapped, &mut self.resampled),
                None => Ok(()),
            };
            if let Err(e) = res {
                self.emit_now(PlayerEvent::OutputError(e.to_string()));
                self.stop();
                return;
            }
            let buf = std::mem::take(&mut self.resampled);
            self.write_out(&buf);
            self.resampled = buf;
        } else {
            let buf = std::mem::take(&mut self.mapped);
            self.write_out(&buf);
            self.mapped = buf;
        }
        self.advance_cursor(rate, frames);
    }

    fn advance_cursor(&mut self, rate: u32, frames: u64) {
        if rate == self.rate {
            self.out_cursor += frames;
            if self.resampler.is_none() {
                self.rs_base = self.out_cursor;
            }
        } else {
            self.rs_in += frames;
            self.out_cursor = self.rs_base
                + (self.rs_in * u64::from(self.rate) + u64::from(rate) / 2) / u64::from(rate);
        }
    }

    fn write_out(&mut self, buf: &[f32]) {
        if buf.is_empty() {
            return;
        }
        if let Err(e) = self.out.write(buf) {
            self.emit_now(PlayerEvent::OutputError(e.to_string()));
            self.current = None;
            self.set_status(PlaybackStatus::Stopped);
        }
    }

    /// The current track ran out (or failed): the next one starts on the same output, no flush.
    fn track_finished(&mut self) {
        let Some(cur) = self.current.take() else {
            return;
        };
        let at = self.out_cursor;
        self.schedule(
            at,
            PlayerEvent::TrackEnded {
                entry: cur.id,
                output_frame: at,
            },
        );
        if let Some(inc) = self.incoming.take() {
            // The crossfade is over: the incoming track carries on from where the mix left it.
            self.segment = Some(Segment {
                out_start: inc.out_start,
                track_start: 0,
                in_rate: inc.cur.info.rate,
            });
            self.carry = inc.buf;
            self.current = Some(inc.cur);
            return;
        }
        let idx = self.queue.iter().position(|e| e.id == cur.id);
        let next = match idx {
            Some(i) => self.following(Some(i), true),
            // Removing the playing entry switches at once, so this cannot happen; stop if it does.
            None => None,
        };
        match next {
            Some(i) => self.start_at(i),
            None => self.queue_end(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Codec, Gapless, ReplayGainTags, TrimSource};

    fn info(rg: ReplayGainTags) -> TrackInfo {
        TrackInfo {
            codec: Codec::Flac,
            rate: 44_100,
            channels: 2,
            frames: Some(1),
            gapless: Gapless {
                source: TrimSource::Exact,
                delay: 0,
                padding: 0,
                distrusted: vec![],
            },
            replay_gain: rg,
            title: None,
            artist: None,
        }
    }

    fn db(f: f32) -> f32 {
        20.0 * f.log10()
    }

    #[test]
    fn replay_gain_picks_the_figure_adds_preamp_and_prevents_clipping() {
        let tags = ReplayGainTags {
            track_gain: Some(-8.0),
            track_peak: Some(0.5),
            album_gain: Some(-6.0),
            album_peak: Some(0.9),
        };
        let i = info(tags);
        let mut rg = ReplayGain {
            mode: ReplayGainMode::Track,
            ..ReplayGain::default()
        };
        assert!((db(rg.factor(&i, false)) + 8.0).abs() < 1e-4);
        rg.mode = ReplayGainMode::Album;
        assert!((db(rg.factor(&i, false)) + 6.0).abs() < 1e-4);
        rg.mode = ReplayGainMode::Auto;
        assert!(
            (db(rg.factor(&i, false)) + 6.0).abs() < 1e-4,
            "album in order"
        );
        assert!(
            (db(rg.factor(&i, true)) + 8.0).abs() < 1e-4,
            "track when shuffling"
        );
        // +15 dB preamp on the track gain (+7 dB) would push the 0.5 peak over full scale: capped at 1/peak.
        rg.mode = ReplayGainMode::Track;
        rg.preamp_db = 15.0;
        assert!((rg.factor(&i, false) - 2.0).abs() < 1e-6);
        rg.prevent_clipping = false;
        assert!((db(rg.factor(&i, false)) - 7.0).abs() < 1e-4);
        // Untagged files get the fallback gain; Off is exactly unity (lossless stays bit-exact).
        let untagged = info(ReplayGainTags::default());
        rg.untagged_db = -3.0;
        rg.preamp_db = 0.0;
        assert!((db(rg.factor(&untagged, false)) + 3.0).abs() < 1e-4);
        rg.mode = ReplayGainMode::Off;
        assert_eq!(rg.factor(&i, false), 1.0);
    }

    #[test]
    fn state_follows_events() {
        let mut s = PlayerState::default();
        let i = info(ReplayGainTags::default());
        s.apply(&PlayerEvent::TrackStarted {
            entry: EntryId(7),
            info: i.clone(),
            output_frame: 0,
        });
        assert_eq!(s.current, Some(EntryId(7)));
        let p = Position::new(4_410, 44_100).expect("p");
        s.apply(&PlayerEvent::Position {
            entry: EntryId(7),
            position: p,
        });
        assert_eq!(s.position, Some(p));
        s.apply(&PlayerEvent::Cue {
            entry: EntryId(7),
            cue: Cue {
                at: p,
                payload: CuePayload::Chord("D".into()),
            },
            output_frame: 4_410,
        });
        assert!(s.showing.chord.is_some());
        s.apply(&PlayerEvent::StatusChanged(PlaybackStatus::Stopped));
        assert_eq!(s.position, None);
        s.apply(&PlayerEvent::QueueEnded);
        assert_eq!(s.current, None);
    }
}
