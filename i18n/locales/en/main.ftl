# CNT Media — English (the reference locale: every other locale has exactly these ids).

app-name = CNT Media
app-tagline = Music, sermons and Scripture for your church

## Navigation
nav-home = Home
nav-search = Search
nav-library = Library
nav-bible = Bible
nav-worship = Worship
nav-create = Create
nav-community = Community
nav-events = Events
nav-settings = Settings
nav-label = Main navigation
nav-shortcut-hint = Use the arrow keys to move, Enter to open, and Ctrl+1 to Ctrl+9 to jump.

## Connection
status-online = Online
status-offline = Offline
status-connecting = Connecting…
status-online-detail = Connected to { $server }
status-offline-detail = Cannot reach { $server }: { $reason }. Your library still works offline.

## Screens (empty states until their features land)
home-title = Home
home-empty = Nothing here yet. Sign in and sync to bring in your church's catalogue; it then works offline.
search-title = Search
search-placeholder = Songs, sermons, podcasts, verses…
search-empty = Search everything in your library, even offline.
library-title = Library
library-empty = Your music, podcasts, movies and sermons will appear here once you sync or download them.
bible-title = Bible
bible-empty = Read and search the Bible, offline.
worship-title = Worship
worship-empty = Prepare a service and run it on a projector, with no network.
create-title = Create
create-empty = Edit audio and video on this device, then upload it.
community-title = Community
community-empty = Testimonies, prayer requests and announcements from your church.
events-title = Events
events-empty = Services, meetings and live streams.

## Player bar
player-nothing-playing = Nothing playing
player-play = Play
player-pause = Pause
player-next = Next
player-previous = Previous

## Settings
settings-title = Settings
settings-language = Language
settings-language-help = The app follows your system language unless you choose one here.
settings-language-system = System default ({ $language })
settings-server = Server
settings-server-help = The CNT Media server this app syncs with. Start the app with --server URL to use another one.
settings-connection = Connection
settings-check-now = Check now
settings-data-dir = Data folder
settings-about = About
settings-version = Version { $version }

## Notices shown once at start-up
notice-config-invalid = Settings file { $file } could not be read ({ $error }). Default settings are in use; the file was left as it is.
notice-library-recovered = The library database was damaged. It was moved to { $file } and a fresh one was created; sync will fill it again.
settings-no-keyring = No system keyring is available: you will need to sign in again each time the app starts.
notice-dismiss = Dismiss

## Errors (one per cnt_model::ErrorCode, plus client-side ones)
error-bad-request = The request was not understood.
error-validation-failed = Some of the information given is not valid.
error-unauthorized = Please sign in again.
error-forbidden = You are not allowed to do that.
error-not-found = That could not be found.
error-method-not-allowed = That action is not available here.
error-conflict = Someone changed this at the same time. Please try again.
error-payload-too-large = That file is too large for the server.
error-rate-limited = Too many attempts. Please wait a moment and try again.
error-database-unavailable = The server is having trouble with its database. Please try again later.
error-service-unavailable = The server is busy or restarting. Please try again shortly.
error-internal = Something went wrong on the server. Please try again later.
error-server-unreachable = Cannot reach the server at { $server }.
error-keyring = The system keyring could not store your sign-in.
error-invalid-credentials = Wrong email or password.
error-invalid-token = Your session has ended. Please sign in again.
error-account-pending = Your account is waiting for approval by an administrator.
error-account-disabled = This account has been disabled.
error-email-taken = An account with this email already exists. Try signing in instead.
error-username-taken = That username is taken. Please choose another.
error-weak-password = Choose a password of at least 8 characters.

## Account
account-title = Account
account-sign-in = Sign in
account-sign-up = Create account
account-sign-out = Sign out
account-email = Email
account-password = Password
account-username = Username
account-password-help = At least 8 characters. A few words make a strong, memorable password.
account-have-account = Already have an account? Sign in
account-no-account = New here? Create an account
account-working = One moment…
account-signed-in-as = Signed in as { $name }
account-not-signed-in = Not signed in. Sign in to sync your library across devices.
account-pending = Your account was created and is waiting for an administrator's approval. You can sign in once it is approved.
account-signed-out = You are signed out.
error-email-not-verified = Please confirm your email address with the code we sent you.
error-invalid-code = That code is not right or has expired. Ask for a new one.
error-gone = This was deleted on another device or by the server.
error-range-not-satisfiable = The download could not resume; it will start again.
account-code = Code from the email
account-confirm-title = Confirm your email
account-confirm-help = We sent a 6-digit code to { $email }. Enter it here; it works for 10 minutes.
account-confirm-submit = Confirm
account-resend = Send a new code
account-code-sent = If that address has an account, a code is on its way.
account-forgot = Forgot your password?
account-forgot-title = Reset your password
account-forgot-help = Enter your email address and we will send you a code to set a new password.
account-send-code = Send code
account-new-password = New password
account-reset-submit = Set new password
account-back-to-sign-in = Back to sign in

## Library and sync (issue 4)
home-continue = Continue listening
home-recent = Recently played
home-featured = Featured
home-new = New in the library
home-resume-at = Resume at { $time }
library-tab-playlists = Playlists
library-tab-favorites = Favorites
library-tab-downloads = Downloads
kind-track = Songs and sermons
kind-album = Albums
kind-artist = Artists
kind-podcast = Podcasts
kind-episode = Episodes
kind-movie = Movies
kind-category = Categories
kind-document = Documents
library-count = Items: { $count }
library-kind-empty = Nothing of this kind yet. Sync to bring in the church's catalogue.
library-more = Show more
library-item-gone = No longer in the catalogue
back = Back
cancel = Cancel
search-none = Nothing found for “{ $query }”.
sync-now = Sync now
sync-running = Syncing…
sync-done = Up to date.
sync-idle = Changes are synced in the background.
sync-offline = Offline: everything here still works; changes will be sent when the server is back.
sync-failed = Sync failed: { $reason }
sync-refused = Synced. Edits refused by the server: { $count } (see Playlists).
sync-sign-in = Sign in (Settings) to sync your library and keep playlists.
offline-badge = Offline
offline-available = Available offline
favorite-add = Add to favorites
favorite-remove = Remove from favorites
favorites-empty = Nothing here yet. Tap ♡ on a song, sermon or episode to keep it here.
download-keep = Keep offline
playlist-add-to = Add to playlist…
playlist-create = Create
playlist-new-placeholder = New playlist name
playlist-name-required = Give the playlist a name.
playlist-sign-in = Sign in to make playlists; they sync to all your devices.
playlists-empty = No playlists yet.
playlist-entries = Items: { $count }
playlist-not-synced = Not synced yet
playlist-not-synced-help = Made on this device; it will be sent to the server when you are online.
playlist-rename = Playlist name
playlist-pin = Keep offline
playlist-unpin = Stop keeping offline
playlist-delete = Delete playlist
playlist-delete-confirm = Delete this playlist on all your devices?
playlist-empty = This playlist is empty. Add items with “Add to playlist…” in any list.
playlist-gone = This playlist was deleted.
playlist-reorder-help = Drag items to reorder, or focus one and press Alt+↑ / Alt+↓. Delete removes it.
playlist-move-up = Move up
playlist-move-down = Move down
playlist-remove = Remove from playlist
conflict-gone = “{ $name }” was deleted on another device, so { $count } change(s) made here could not be saved. Restore its items as a new playlist?
conflict-refused = A change to “{ $name }” was not accepted: { $reason }
conflict-restore = Restore as a new playlist
conflict-restored-name = { $name } (restored)
downloads-storage = { $used } of { $quota } used
downloads-storage-label = Storage used by downloads
downloads-start = Download now
downloads-retry = Retry failed ({ $count })
downloads-empty = No downloads. Use ↓ on an item or “Keep offline” on a playlist.
downloads-queued = Waiting
downloads-done = Downloaded
downloads-failed = Failed
downloads-pinned = kept offline
downloads-progress = Download progress
downloads-remove = Remove download
action-failed = That did not work: { $detail }
error-library = The library on this device reported a problem: { $detail }
settings-storage = Downloads
settings-storage-help = Space for music and sermons kept offline. The least recently played are removed first when it fills up; items you keep offline never are.
settings-quota = Storage limit (MB)
settings-metered = Download on metered connections (mobile data)

# Player bar, Now Playing, queue (issue 5)
player-no-device = No audio device
player-not-downloaded = Not downloaded yet: { $titles }. It will be ready to play once downloaded.
player-seek = Position in the track
player-volume = Volume
player-now-playing = Now Playing
player-now-playing-short = Now Playing
player-queue = Queue
player-queue-short = Queue
player-close = Close
player-no-cue = Verses and lyrics appear here when the track has them.
player-save-verse = Save this verse for later
player-verse-saved = { $reference } is saved.
player-queue-empty = The queue is empty. Press ▶ on a song or sermon to play it.
player-queue-hint = Alt+↑ and Alt+↓ move the selected entry.
player-move-up = Move up
player-move-down = Move down
player-remove = Remove from the queue
player-play-item = Play
