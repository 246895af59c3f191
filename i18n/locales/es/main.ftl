# CNT Media — Español.

app-name = CNT Media
app-tagline = Música, prédicas y Escrituras para tu iglesia

## Navegación
nav-home = Inicio
nav-search = Buscar
nav-library = Biblioteca
nav-bible = Biblia
nav-worship = Alabanza
nav-create = Crear
nav-community = Comunidad
nav-events = Eventos
nav-settings = Ajustes
nav-label = Navegación principal
nav-shortcut-hint = Usa las flechas para moverte, Intro para abrir y Ctrl+1 a Ctrl+9 para saltar.

## Conexión
status-online = En línea
status-offline = Sin conexión
status-connecting = Conectando…
status-online-detail = Conectado a { $server }
status-offline-detail = No se puede contactar { $server }: { $reason }. Tu biblioteca sigue funcionando sin conexión.

## Pantallas
home-title = Inicio
home-empty = Aún no hay nada. Inicia sesión y sincroniza para traer el catálogo de tu iglesia; después funciona sin conexión.
search-title = Buscar
search-placeholder = Canciones, prédicas, pódcasts, versículos…
search-empty = Busca en toda tu biblioteca, incluso sin conexión.
library-title = Biblioteca
library-empty = Tu música, pódcasts, películas y prédicas aparecerán aquí cuando sincronices o descargues.
bible-title = Biblia
bible-empty = Lee y busca en la Biblia, sin conexión.
worship-title = Alabanza
worship-empty = Prepara un servicio y proyéctalo, sin red.
create-title = Crear
create-empty = Edita audio y video en este dispositivo y luego súbelo.
community-title = Comunidad
community-empty = Testimonios, peticiones de oración y anuncios de tu iglesia.
events-title = Eventos
events-empty = Cultos, reuniones y transmisiones en vivo.

## Barra del reproductor
player-nothing-playing = No se reproduce nada
player-play = Reproducir
player-pause = Pausa
player-next = Siguiente
player-previous = Anterior

## Ajustes
settings-title = Ajustes
settings-language = Idioma
settings-language-help = La aplicación usa el idioma del sistema salvo que elijas otro aquí.
settings-language-system = Predeterminado del sistema ({ $language })
settings-server = Servidor
settings-server-help = El servidor de CNT Media con el que se sincroniza la aplicación. Inicia la aplicación con --server URL para usar otro.
settings-connection = Conexión
settings-check-now = Comprobar ahora
settings-data-dir = Carpeta de datos
settings-about = Acerca de
settings-version = Versión { $version }

## Avisos al iniciar
notice-config-invalid = No se pudo leer el archivo de ajustes { $file } ({ $error }). Se usan los ajustes predeterminados; el archivo no se modificó.
notice-library-recovered = La base de datos de la biblioteca estaba dañada. Se movió a { $file } y se creó una nueva; la sincronización la llenará de nuevo.
settings-no-keyring = No hay un llavero del sistema: tendrás que iniciar sesión cada vez que abras la aplicación.
notice-dismiss = Cerrar

## Errores
error-bad-request = No se entendió la solicitud.
error-validation-failed = Parte de la información no es válida.
error-unauthorized = Vuelve a iniciar sesión.
error-forbidden = No tienes permiso para hacer eso.
error-not-found = No se encontró.
error-method-not-allowed = Esa acción no está disponible aquí.
error-conflict = Alguien lo cambió al mismo tiempo. Inténtalo de nuevo.
error-payload-too-large = El archivo es demasiado grande para el servidor.
error-rate-limited = Demasiados intentos. Espera un momento y vuelve a intentarlo.
error-database-unavailable = El servidor tiene problemas con su base de datos. Inténtalo más tarde.
error-service-unavailable = El servidor está ocupado o reiniciándose. Inténtalo en breve.
error-internal = Algo salió mal en el servidor. Inténtalo más tarde.
error-server-unreachable = No se puede contactar el servidor en { $server }.
error-keyring = El llavero del sistema no pudo guardar tu inicio de sesión.
error-invalid-credentials = Correo o contraseña incorrectos.
error-invalid-token = Tu sesión terminó. Vuelve a iniciar sesión.
error-account-pending = Tu cuenta espera la aprobación de un administrador.
error-account-disabled = Esta cuenta ha sido desactivada.
error-email-taken = Ya existe una cuenta con este correo. Intenta iniciar sesión.
error-username-taken = Ese nombre de usuario ya está en uso. Elige otro.
error-weak-password = Elige una contraseña de al menos 8 caracteres.

## Cuenta
account-title = Cuenta
account-sign-in = Iniciar sesión
account-sign-up = Crear cuenta
account-sign-out = Cerrar sesión
account-email = Correo electrónico
account-password = Contraseña
account-username = Nombre de usuario
account-password-help = Al menos 8 caracteres. Unas cuantas palabras forman una contraseña fuerte y fácil de recordar.
account-have-account = ¿Ya tienes cuenta? Inicia sesión
account-no-account = ¿Eres nuevo? Crea una cuenta
account-working = Un momento…
account-signed-in-as = Sesión iniciada como { $name }
account-not-signed-in = No has iniciado sesión. Inicia sesión para sincronizar tu biblioteca entre dispositivos.
account-pending = Tu cuenta fue creada y espera la aprobación de un administrador. Podrás iniciar sesión cuando sea aprobada.
account-signed-out = Has cerrado sesión.
error-email-not-verified = Confirma tu correo con el código que te enviamos.
error-invalid-code = Ese código no es correcto o ha caducado. Pide uno nuevo.
error-gone = Esto se eliminó en otro dispositivo o en el servidor.
error-range-not-satisfiable = La descarga no pudo continuar; empezará de nuevo.
account-code = Código del correo
account-confirm-title = Confirma tu correo
account-confirm-help = Enviamos un código de 6 dígitos a { $email }. Escríbelo aquí; es válido durante 10 minutos.
account-confirm-submit = Confirmar
account-resend = Enviar un código nuevo
account-code-sent = Si esa dirección tiene una cuenta, el código va en camino.
account-forgot = ¿Olvidaste tu contraseña?
account-forgot-title = Restablece tu contraseña
account-forgot-help = Escribe tu correo y te enviaremos un código para elegir una contraseña nueva.
account-send-code = Enviar código
account-new-password = Contraseña nueva
account-reset-submit = Guardar contraseña nueva
account-back-to-sign-in = Volver a iniciar sesión

## Library and sync (issue 4)
home-continue = Seguir escuchando
home-recent = Escuchado recientemente
home-featured = Destacados
home-new = Novedades en la biblioteca
home-resume-at = Continuar en { $time }
library-tab-playlists = Listas
library-tab-favorites = Favoritos
library-tab-downloads = Descargas
kind-track = Canciones y sermones
kind-album = Álbumes
kind-artist = Artistas
kind-podcast = Pódcasts
kind-episode = Episodios
kind-movie = Películas
kind-category = Categorías
kind-document = Documentos
library-count = Elementos: { $count }
library-kind-empty = Todavía no hay nada de este tipo. Sincroniza para traer el catálogo de la iglesia.
library-more = Mostrar más
library-item-gone = Ya no está en el catálogo
back = Volver
cancel = Cancelar
search-none = No se encontró nada para «{ $query }».
sync-now = Sincronizar ahora
sync-running = Sincronizando…
sync-done = Todo al día.
sync-idle = Los cambios se sincronizan en segundo plano.
sync-offline = Sin conexión: todo sigue funcionando; los cambios se enviarán cuando vuelva el servidor.
sync-failed = La sincronización falló: { $reason }
sync-refused = Sincronizado. Cambios rechazados por el servidor: { $count } (ver Listas).
sync-sign-in = Inicia sesión (Ajustes) para sincronizar tu biblioteca y guardar listas.
offline-badge = Sin conexión
offline-available = Disponible sin conexión
favorite-add = Añadir a favoritos
favorite-remove = Quitar de favoritos
favorites-empty = Aún no hay nada. Pulsa ♡ en una canción, sermón o episodio para guardarlo aquí.
download-keep = Guardar sin conexión
playlist-add-to = Añadir a una lista…
playlist-create = Crear
playlist-new-placeholder = Nombre de la nueva lista
playlist-name-required = Ponle un nombre a la lista.
playlist-sign-in = Inicia sesión para crear listas; se sincronizan con todos tus dispositivos.
playlists-empty = Todavía no hay listas.
playlist-entries = Elementos: { $count }
playlist-not-synced = Aún sin sincronizar
playlist-not-synced-help = Creada en este dispositivo; se enviará al servidor cuando tengas conexión.
playlist-rename = Nombre de la lista
playlist-pin = Guardar sin conexión
playlist-unpin = Dejar de guardar sin conexión
playlist-delete = Eliminar lista
playlist-delete-confirm = ¿Eliminar esta lista en todos tus dispositivos?
playlist-empty = Esta lista está vacía. Añade elementos con «Añadir a una lista…» en cualquier lista.
playlist-gone = Esta lista se eliminó.
playlist-reorder-help = Arrastra para reordenar, o selecciona uno y pulsa Alt+↑ / Alt+↓. Supr lo quita.
playlist-move-up = Subir
playlist-move-down = Bajar
playlist-remove = Quitar de la lista
conflict-gone = «{ $name }» se eliminó en otro dispositivo, así que { $count } cambio(s) hechos aquí no se pudieron guardar. ¿Restaurar sus elementos como una lista nueva?
conflict-refused = Un cambio en «{ $name }» no fue aceptado: { $reason }
conflict-restore = Restaurar como lista nueva
conflict-restored-name = { $name } (restaurada)
downloads-storage = { $used } de { $quota } usados
downloads-storage-label = Espacio usado por las descargas
downloads-start = Descargar ahora
downloads-retry = Reintentar las fallidas ({ $count })
downloads-empty = No hay descargas. Usa ↓ en un elemento o «Guardar sin conexión» en una lista.
downloads-queued = En espera
downloads-done = Descargado
downloads-failed = Falló
downloads-pinned = guardado sin conexión
downloads-progress = Progreso de la descarga
downloads-remove = Quitar descarga
action-failed = No funcionó: { $detail }
error-library = La biblioteca de este dispositivo informó de un problema: { $detail }
settings-storage = Descargas
settings-storage-help = Espacio para música y sermones sin conexión. Cuando se llena, se quitan primero los menos escuchados; lo que guardas sin conexión nunca.
settings-quota = Límite de espacio (MB)
settings-metered = Descargar con conexiones medidas (datos móviles)

# Player bar, Now Playing, queue (issue 5)
player-no-device = No hay dispositivo de audio
player-not-downloaded = Aún no descargado: { $titles }. Se podrá reproducir cuando termine la descarga.
player-seek = Posición en la pista
player-volume = Volumen
player-now-playing = Reproduciendo ahora
player-now-playing-short = Ahora
player-queue = Cola
player-queue-short = Cola
player-close = Cerrar
player-no-cue = Los versículos y las letras aparecen aquí cuando la pista los tiene.
player-save-verse = Guardar este versículo para después
player-verse-saved = { $reference } está guardado.
player-queue-empty = La cola está vacía. Pulsa ▶ en una canción o un sermón para reproducirlo.
player-queue-hint = Alt+↑ y Alt+↓ mueven la entrada seleccionada.
player-move-up = Subir
player-move-down = Bajar
player-remove = Quitar de la cola
player-play-item = Reproducir
