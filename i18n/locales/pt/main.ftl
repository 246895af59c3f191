# CNT Media — Português.

app-name = CNT Media
app-tagline = Música, pregações e Escrituras para a sua igreja

## Navegação
nav-home = Início
nav-search = Pesquisar
nav-library = Biblioteca
nav-bible = Bíblia
nav-worship = Louvor
nav-create = Criar
nav-community = Comunidade
nav-events = Eventos
nav-settings = Configurações
nav-label = Navegação principal
nav-shortcut-hint = Use as setas para mover, Enter para abrir e Ctrl+1 a Ctrl+9 para saltar.

## Conexão
status-online = On-line
status-offline = Off-line
status-connecting = Conectando…
status-online-detail = Conectado a { $server }
status-offline-detail = Não foi possível alcançar { $server }: { $reason }. Sua biblioteca continua funcionando off-line.

## Telas
home-title = Início
home-empty = Nada aqui ainda. Entre e sincronize para trazer o catálogo da sua igreja; depois funciona offline.
search-title = Pesquisar
search-placeholder = Músicas, pregações, podcasts, versículos…
search-empty = Pesquise em toda a sua biblioteca, mesmo off-line.
library-title = Biblioteca
library-empty = Suas músicas, podcasts, filmes e pregações aparecerão aqui quando você sincronizar ou baixar.
bible-title = Bíblia
bible-empty = Leia e pesquise a Bíblia, off-line.
worship-title = Louvor
worship-empty = Prepare um culto e projete-o, sem rede.
create-title = Criar
create-empty = Edite áudio e vídeo neste dispositivo e depois envie.
community-title = Comunidade
community-empty = Testemunhos, pedidos de oração e avisos da sua igreja.
events-title = Eventos
events-empty = Cultos, reuniões e transmissões ao vivo.

## Barra do player
player-nothing-playing = Nada tocando
player-play = Tocar
player-pause = Pausar
player-next = Próxima
player-previous = Anterior

## Configurações
settings-title = Configurações
settings-language = Idioma
settings-language-help = O app segue o idioma do sistema, a menos que você escolha outro aqui.
settings-language-system = Padrão do sistema ({ $language })
settings-server = Servidor
settings-server-help = O servidor CNT Media com o qual este app sincroniza. Inicie o app com --server URL para usar outro.
settings-connection = Conexão
settings-check-now = Verificar agora
settings-data-dir = Pasta de dados
settings-about = Sobre
settings-version = Versão { $version }

## Avisos ao iniciar
notice-config-invalid = O arquivo de configurações { $file } não pôde ser lido ({ $error }). As configurações padrão estão em uso; o arquivo não foi alterado.
notice-library-recovered = O banco de dados da biblioteca estava danificado. Ele foi movido para { $file } e um novo foi criado; a sincronização o preencherá novamente.
settings-no-keyring = Não há chaveiro do sistema: você precisará entrar novamente sempre que abrir o app.
notice-dismiss = Fechar

## Erros
error-bad-request = A solicitação não foi entendida.
error-validation-failed = Algumas informações não são válidas.
error-unauthorized = Entre novamente.
error-forbidden = Você não tem permissão para fazer isso.
error-not-found = Não foi encontrado.
error-method-not-allowed = Essa ação não está disponível aqui.
error-conflict = Alguém alterou isto ao mesmo tempo. Tente novamente.
error-payload-too-large = O arquivo é grande demais para o servidor.
error-rate-limited = Tentativas demais. Aguarde um momento e tente novamente.
error-database-unavailable = O servidor está com problemas no banco de dados. Tente mais tarde.
error-service-unavailable = O servidor está ocupado ou reiniciando. Tente em instantes.
error-internal = Algo deu errado no servidor. Tente mais tarde.
error-server-unreachable = Não foi possível alcançar o servidor em { $server }.
error-keyring = O chaveiro do sistema não conseguiu guardar seu login.
error-invalid-credentials = E-mail ou senha incorretos.
error-invalid-token = Sua sessão terminou. Entre novamente.
error-account-pending = Sua conta aguarda a aprovação de um administrador.
error-account-disabled = Esta conta foi desativada.
error-email-taken = Já existe uma conta com este e-mail. Tente entrar.
error-username-taken = Esse nome de usuário já está em uso. Escolha outro.
error-weak-password = Escolha uma senha com pelo menos 8 caracteres.

## Conta
account-title = Conta
account-sign-in = Entrar
account-sign-up = Criar conta
account-sign-out = Sair
account-email = E-mail
account-password = Senha
account-username = Nome de usuário
account-password-help = Pelo menos 8 caracteres. Algumas palavras formam uma senha forte e fácil de lembrar.
account-have-account = Já tem uma conta? Entre
account-no-account = É novo aqui? Crie uma conta
account-working = Um momento…
account-signed-in-as = Conectado como { $name }
account-not-signed-in = Você não entrou. Entre para sincronizar sua biblioteca entre dispositivos.
account-pending = Sua conta foi criada e aguarda a aprovação de um administrador. Você poderá entrar quando ela for aprovada.
account-signed-out = Você saiu da conta.
error-email-not-verified = Confirme seu e-mail com o código que enviamos.
error-invalid-code = Esse código não está certo ou expirou. Peça um novo.
error-gone = Isto foi excluído em outro dispositivo ou pelo servidor.
error-range-not-satisfiable = Não foi possível retomar o download; ele recomeçará.
account-code = Código do e-mail
account-confirm-title = Confirme seu e-mail
account-confirm-help = Enviamos um código de 6 dígitos para { $email }. Digite-o aqui; ele vale por 10 minutos.
account-confirm-submit = Confirmar
account-resend = Enviar um novo código
account-code-sent = Se esse endereço tiver uma conta, o código está a caminho.
account-forgot = Esqueceu sua senha?
account-forgot-title = Redefina sua senha
account-forgot-help = Digite seu e-mail e enviaremos um código para criar uma nova senha.
account-send-code = Enviar código
account-new-password = Nova senha
account-reset-submit = Salvar nova senha
account-back-to-sign-in = Voltar para entrar

## Library and sync (issue 4)
home-continue = Continuar ouvindo
home-recent = Ouvidos recentemente
home-featured = Destaques
home-new = Novidades na biblioteca
home-resume-at = Continuar em { $time }
library-tab-playlists = Playlists
library-tab-favorites = Favoritos
library-tab-downloads = Downloads
kind-track = Músicas e sermões
kind-album = Álbuns
kind-artist = Artistas
kind-podcast = Podcasts
kind-episode = Episódios
kind-movie = Filmes
kind-category = Categorias
kind-document = Documentos
library-count = Itens: { $count }
library-kind-empty = Ainda não há nada deste tipo. Sincronize para trazer o catálogo da igreja.
library-more = Mostrar mais
library-item-gone = Não está mais no catálogo
back = Voltar
cancel = Cancelar
search-none = Nada encontrado para “{ $query }”.
sync-now = Sincronizar agora
sync-running = Sincronizando…
sync-done = Tudo em dia.
sync-idle = As alterações são sincronizadas em segundo plano.
sync-offline = Offline: tudo aqui continua funcionando; as alterações serão enviadas quando o servidor voltar.
sync-failed = A sincronização falhou: { $reason }
sync-refused = Sincronizado. Alterações recusadas pelo servidor: { $count } (veja Playlists).
sync-sign-in = Entre (Configurações) para sincronizar sua biblioteca e guardar playlists.
offline-badge = Offline
offline-available = Disponível offline
favorite-add = Adicionar aos favoritos
favorite-remove = Remover dos favoritos
favorites-empty = Nada aqui ainda. Toque em ♡ numa música, sermão ou episódio para guardá-lo aqui.
download-keep = Manter offline
playlist-add-to = Adicionar à playlist…
playlist-create = Criar
playlist-new-placeholder = Nome da nova playlist
playlist-name-required = Dê um nome à playlist.
playlist-sign-in = Entre para criar playlists; elas sincronizam com todos os seus dispositivos.
playlists-empty = Nenhuma playlist ainda.
playlist-entries = Itens: { $count }
playlist-not-synced = Ainda não sincronizada
playlist-not-synced-help = Criada neste dispositivo; será enviada ao servidor quando você estiver online.
playlist-rename = Nome da playlist
playlist-pin = Manter offline
playlist-unpin = Deixar de manter offline
playlist-delete = Excluir playlist
playlist-delete-confirm = Excluir esta playlist em todos os seus dispositivos?
playlist-empty = Esta playlist está vazia. Adicione itens com “Adicionar à playlist…” em qualquer lista.
playlist-gone = Esta playlist foi excluída.
playlist-reorder-help = Arraste para reordenar, ou selecione um item e pressione Alt+↑ / Alt+↓. Delete o remove.
playlist-move-up = Mover para cima
playlist-move-down = Mover para baixo
playlist-remove = Remover da playlist
conflict-gone = “{ $name }” foi excluída em outro dispositivo, então { $count } alteração(ões) feitas aqui não puderam ser salvas. Restaurar os itens como uma nova playlist?
conflict-refused = Uma alteração em “{ $name }” não foi aceita: { $reason }
conflict-restore = Restaurar como nova playlist
conflict-restored-name = { $name } (restaurada)
downloads-storage = { $used } de { $quota } usados
downloads-storage-label = Espaço usado pelos downloads
downloads-start = Baixar agora
downloads-retry = Tentar de novo os que falharam ({ $count })
downloads-empty = Nenhum download. Use ↓ num item ou “Manter offline” numa playlist.
downloads-queued = Aguardando
downloads-done = Baixado
downloads-failed = Falhou
downloads-pinned = mantido offline
downloads-progress = Progresso do download
downloads-remove = Remover download
action-failed = Não funcionou: { $detail }
error-library = A biblioteca deste dispositivo relatou um problema: { $detail }
settings-storage = Downloads
settings-storage-help = Espaço para músicas e sermões offline. Quando enche, os menos ouvidos são removidos primeiro; o que você mantém offline, nunca.
settings-quota = Limite de espaço (MB)
settings-metered = Baixar em conexões limitadas (dados móveis)

# Player bar, Now Playing, queue (issue 5)
player-no-device = Nenhum dispositivo de áudio
player-not-downloaded = Ainda não baixado: { $titles }. Poderá tocar quando o download terminar.
player-seek = Posição na faixa
player-volume = Volume
player-now-playing = Tocando agora
player-now-playing-short = Agora
player-queue = Fila
player-queue-short = Fila
player-close = Fechar
player-no-cue = Versículos e letras aparecem aqui quando a faixa os tem.
player-save-verse = Guardar este versículo para depois
player-verse-saved = { $reference } está guardado.
player-queue-empty = A fila está vazia. Toque ▶ em uma música ou sermão para tocar.
player-queue-hint = Alt+↑ e Alt+↓ movem a entrada selecionada.
player-move-up = Subir
player-move-down = Descer
player-remove = Remover da fila
player-play-item = Tocar
