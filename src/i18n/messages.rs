//! Errors and warnings in the chosen language: one message catalogue for every exit-2 message
//! and every warning the commands print.
//!
//! Why a catalogue keyed by the English text (as gettext keys on the English `msgid`) rather than
//! a second string at each of the hundred places that build a message: the stages stay free of
//! any language (they build one English message, which is also what JSON carries), the English
//! output stays byte-identical by construction, and the translations live in one table a
//! translator can read. A template has `{}` where the English message has a value; the values are
//! taken back from the English line and put into the Russian one (translated in turn where they
//! are messages themselves, e.g. the discovery error inside the fail-closed message). Warnings are
//! looked up by their code first. A line no template matches stays as it is, so a new message
//! without a translation is English, never garbled; the tests in `tests/errors_ru.rs` run every
//! class of error and fail on an English sentence left in the Russian output.

use super::Lang;
use crate::warning_codes::WarnCode as W;

/// `(English template, Russian template)`. In the Russian, `{}` takes the values in order, `{N}`
/// the N-th (from 0). Tried in order: the more specific first.
pub const ERRORS: &[(&str, &str)] = &[
    // state file (check/render/accept --state)
    (
        "state file {}: cannot read: {}",
        "файл состояния {}: не удаётся прочитать: {}",
    ),
    (
        "state file {} is corrupt ({}); fix or remove it deliberately",
        "файл состояния {} повреждён ({}); исправьте его или осознанно удалите",
    ),
    (
        "state file {} has schema {}; this avexclude reads schemas 1 and {}: use the avexclude that wrote it, or remove the file deliberately (the next render starts over)",
        "файл состояния {} имеет схему {}; этот avexclude читает схемы 1 и {}: используйте avexclude, который его записал, или осознанно удалите файл (следующий render начнёт заново)",
    ),
    (
        "state file {} belongs to {}, not to this host {}: a state is kept per host (give each host its own --state file; never copy one between hosts)",
        "файл состояния {} принадлежит хосту {}, а не этому хосту {}: состояние ведётся для каждого хоста отдельно (дайте каждому хосту свой файл --state; никогда не копируйте его между хостами)",
    ),
    (
        "state file {}: cannot write: {}",
        "файл состояния {}: не удаётся записать: {}",
    ),
    (
        "state file {} records a render for vendor '{}', which is not known here (its --vendors-dir was {})",
        "файл состояния {} записывает render для антивируса '{}', который здесь неизвестен (его --vendors-dir был {})",
    ),
    (
        "state file {} records a render for vendor '{}', which is not known here",
        "файл состояния {} записывает render для антивируса '{}', который здесь неизвестен",
    ),
    // catalog
    ("the catalog has {} error(s):", "ошибок в каталоге: {}:"),
    // inventory
    ("cannot read inventory {}", "не удаётся прочитать опись {}"),
    (
        "inventory {}: not UTF-8 text (expected YAML or JSON from `avexclude discover`)",
        "опись {}: не текст UTF-8 (ожидается YAML или JSON от `avexclude discover`)",
    ),
    (
        "inventory {}: not a valid {} inventory: line {} column {}: {}",
        "опись {}: некорректная опись {}: строка {} столбец {}: {}",
    ),
    (
        "inventory {}: not a valid {} inventory: {}",
        "опись {}: некорректная опись {}: {}",
    ),
    (
        "inventory {}: schema {} is not supported; this avexclude reads inventory schema {} (re-run `avexclude discover`)",
        "опись {}: схема {} не поддерживается; этот avexclude читает опись схемы {} (запустите `avexclude discover` заново)",
    ),
    (
        "inventory {}: no `schema` key; this avexclude reads inventory schema {} (written by `avexclude discover`)",
        "опись {}: нет ключа `schema`; этот avexclude читает опись схемы {} (её пишет `avexclude discover`)",
    ),
    // scan (discovery errors and the fail-closed refusals)
    ("--root {}: not a directory", "--root {}: не каталог"),
    (
        "{}: run avexclude on the host itself as root, or give --root a directory where the host's /proc is mounted (e.g. --root /host with /host/proc)",
        "{}: запустите avexclude на самом хосте от root или укажите в --root каталог, где смонтирован /proc хоста (например, --root /host с /host/proc)",
    ),
    (
        "the scan could not read the host's processes ({}) at {}: run avexclude on the host itself as root, or give --root a directory where the host's /proc is mounted (e.g. --root /host with /host/proc)",
        "сканирование не смогло прочитать процессы хоста ({}) в {}: запустите avexclude на самом хосте от root или укажите в --root каталог, где смонтирован /proc хоста (например, --root /host с /host/proc)",
    ),
    (
        "the scan could not read the host's processes ({}): run avexclude on the host itself as root, or give --root a directory where the host's /proc is mounted (e.g. --root /host with /host/proc)",
        "сканирование не смогло прочитать процессы хоста ({}): запустите avexclude на самом хосте от root или укажите в --root каталог, где смонтирован /proc хоста (например, --root /host с /host/proc)",
    ),
    (
        "no process is visible under {}/proc: an empty or wrong root, or a /proc mounted with hidepid; run avexclude as root on the host (or in its PID namespace: hostPID), or point --root at the host's root",
        "в {}/proc не виден ни один процесс: пустой или неверный корень либо /proc смонтирован с hidepid; запустите avexclude от root на хосте (или в его пространстве имён PID: hostPID) либо укажите в --root корень хоста",
    ),
    (
        "not running as root: the executables of {} process(es) of other users are unreadable, so their exclusions cannot be checked; run it as root (sudo avexclude ...), or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
        "запуск не от root: исполняемые файлы процессов других пользователей ({}) не читаются, поэтому их исключения не проверить; запустите от root (sudo avexclude ...) или с CAP_SYS_PTRACE и CAP_DAC_READ_SEARCH",
    ),
    (
        "no ELMA365 component found on {} (no ELMA365 or database process, no /opt/elma365, no container of its namespaces): wrong host or --root? Pass --allow-empty to report it anyway",
        "на {w} не найден ни один компонент ELMA365 (нет процессов ELMA365 или СУБД, нет /opt/elma365, нет контейнеров её пространств имён): не тот хост или --root? Чтобы всё равно вывести отчёт, добавьте --allow-empty",
    ),
    ("{} (machine id {})", "{} (machine-id {w})"),
    (
        "{}: cannot open the root directory",
        "{}: не удаётся открыть корневой каталог",
    ),
    (
        "{}: no proc directory (is procfs mounted, or is this the right --root?)",
        "{}: нет каталога proc (смонтирована ли procfs и тот ли это --root?)",
    ),
    (
        "{}: is a symlink; refusing to follow it out of the scanned root",
        "{}: символическая ссылка; переходить по ней за пределы сканируемого корня нельзя",
    ),
    (
        "cannot scan processes: {}",
        "не удаётся просмотреть процессы: {}",
    ),
    (
        "cannot list processes: {}",
        "не удаётся перечислить процессы: {}",
    ),
    (
        "{}: no process is visible; the scan cannot see the host",
        "{}: не виден ни один процесс; сканирование не видит хост",
    ),
    (
        "discovery hit an internal error (please report this): {}",
        "внутренняя ошибка обнаружения (пожалуйста, сообщите о ней): {}",
    ),
    // --allow-risk, vendors, parameters
    (
        "--allow-risk names no catalog entry: {}; see `avexclude catalog show` for the ids",
        "--allow-risk: нет записи каталога с таким id: {}; список id: `avexclude catalog show`",
    ),
    ("{} (did you mean {}?)", "{} (может быть, {}?)"),
    (
        "unknown vendor '{}'; known vendors: {}",
        "неизвестный антивирус '{}'; известные: {}",
    ),
    (
        "vendor definition error: {}",
        "ошибка в описании антивируса: {}",
    ),
    (
        "--vendor-param {}: expected NAME.KEY=VALUE (e.g. drweb.version=10.0)",
        "--vendor-param {}: ожидается ИМЯ.КЛЮЧ=ЗНАЧЕНИЕ (например, drweb.version=10.0)",
    ),
    (
        "--vendor-param {}: unknown vendor",
        "--vendor-param {}: неизвестный антивирус",
    ),
    ("rendering {}: {}", "запись файлов {}: {}"),
    // audit
    (
        "audit has no reader for {}: it has no configuration of its own",
        "audit не умеет читать {}: у него нет собственных настроек",
    ),
    (
        "audit has no reader for {}: pass a product with a configuration (clamav, kesl, drweb, mdatp, eset)",
        "audit не умеет читать {}: укажите антивирус с настройками (clamav, kesl, drweb, mdatp, eset)",
    ),
    (
        "no clamd.conf found (/etc/clamav/clamd.conf, /etc/clamd.d/scan.conf): pass --from FILE",
        "clamd.conf не найден (/etc/clamav/clamd.conf, /etc/clamd.d/scan.conf): укажите --from ФАЙЛ",
    ),
    (
        "{}: {}: is the product installed? (or pass --from FILE)",
        "{}: {}: установлен ли антивирус? (или укажите --from ФАЙЛ)",
    ),
    (
        "{} failed ({}): pass --from FILE with an exported configuration",
        "{} завершился с ошибкой ({}): укажите --from ФАЙЛ с выгруженными настройками",
    ),
    // accept
    (
        "--reason is empty: say why these findings need no exclusion",
        "--reason пуст: напишите, почему этим находкам не нужно исключение",
    ),
    (
        "--reason holds a control character (newline, escape): give it on one line",
        "--reason содержит управляющий символ (перевод строки, escape): задайте его одной строкой",
    ),
    (
        "not an unlisted finding of this host: {}; the findings are: {}",
        "это не находка вне каталога на этом хосте: {}; находки: {w}",
    ),
    // export
    (
        "nothing to export: give --inventory FILE (repeat for a fleet) or --root DIR",
        "нечего выгружать: укажите --inventory ФАЙЛ (повторить для парка) или --root КАТАЛОГ",
    ),
    (
        "{} is neither an inventory nor a report: {}",
        "{} — не опись и не отчёт: {}",
    ),
    ("{}: `sync` is not valid: {}", "{}: некорректный `sync`: {}"),
    (
        "{} and {} both name host {} but come from different machines (machine id {} and {}): rename one host, or export them separately",
        "{w} и {w} называют один хост {}, но взяты с разных машин (machine-id {} и {}): переименуйте один хост или выгружайте их по отдельности",
    ),
    (
        "{} is not a valid report: {}",
        "{} — некорректный отчёт: {}",
    ),
    (
        "cannot read export state file {}",
        "не удаётся прочитать файл состояния выгрузки {}",
    ),
    (
        "export state file {} is corrupt or not an avexclude export state",
        "файл состояния выгрузки {} повреждён или не является состоянием выгрузки avexclude",
    ),
    (
        "export state file {} has schema {}, this avexclude reads schema {}",
        "файл состояния выгрузки {} имеет схему {}, этот avexclude читает схему {}",
    ),
    (
        "cannot write export state file {}",
        "не удаётся записать файл состояния выгрузки {}",
    ),
    // output files, commands
    (
        "{} is a symbolic link; refusing to write through it",
        "{} — символическая ссылка; писать через неё нельзя",
    ),
    (
        "{} exists and is not a directory",
        "{} существует и не является каталогом",
    ),
    ("cannot create {}: {}", "не удаётся создать {}: {}"),
    ("cannot write {}", "не удаётся записать {}"),
    ("cannot read {}", "не удаётся прочитать {}"),
    (
        "no subcommand `{}`; one of: {}",
        "нет подкоманды `{}`; есть: {}",
    ),
    // why a value is held back, narrowed or refused (render), and why a directory is not trusted
    (
        "high risk ({}); not written: no form limits it to one container. Its copy {} under the snapshot layers is never a process's executable path (from the host, the container's process reads {}), so a product could not match it; pass --allow-risk {} to write {} for the whole host",
        "высокий риск ({}); не записано: нет формы, ограничивающей исключение одним контейнером. Его копия {} в слоях snapshot никогда не бывает путём исполняемого файла процесса (с хоста процесс контейнера читает {}), поэтому антивирус не смог бы её сопоставить; чтобы записать {4} для всего хоста, добавьте --allow-risk {3}",
    ),
    (
        "high risk: `{}` (uid {}) runs {}; excluding the user skips every file its processes touch, anywhere on the host; pass --allow-risk {} to write it",
        "высокий риск: `{}` (uid {}) запускает {}; исключение пользователя пропускает все файлы, которых касаются его процессы, по всему хосту; чтобы записать, добавьте --allow-risk {}",
    ),
    (
        "high risk: {}; pass --allow-risk {} to write it",
        "высокий риск: {}; чтобы записать, добавьте --allow-risk {}",
    ),
    (
        "`{}` is a shell: excluding it exempts every shell script on the host",
        "`{}` — оболочка: её исключение освобождает от проверки все скрипты оболочки на хосте",
    ),
    (
        "`{}` is an interpreter: excluding it exempts every program it runs",
        "`{}` — интерпретатор: его исключение освобождает от проверки все программы, которые он запускает",
    ),
    (
        "`{}` is an in-container path: the product compares it host-wide, so it exempts the host's {} and {} in every container",
        "`{}` — путь внутри контейнера: антивирус сравнивает его по всему хосту, поэтому исключаются {} хоста и {} в каждом контейнере",
    ),
    ("`{}` is a system directory", "`{}` — системный каталог"),
    (
        "disabled by a site overlay",
        "отключено дополнением площадки",
    ),
    (
        "{} has no way to express a {} exclusion",
        "{} не умеет выразить исключение вида {}",
    ),
    (
        "high risk, allowed by --allow-risk",
        "высокий риск, разрешено --allow-risk",
    ),
    (
        "it is owned by uid {}, not by the service user (uid {})",
        "его владелец — uid {}, а не служебный пользователь (uid {})",
    ),
    (
        "it does not exist on the host (or cannot be examined)",
        "его нет на хосте (или его не удаётся проверить)",
    ),
    ("it is not a directory", "это не каталог"),
    ("the process's uid is unknown", "uid процесса неизвестен"),
    (
        "cwd (redis chdirs to its dir)",
        "cwd (redis переходит в свой каталог)",
    ),
    (
        "mongod default dbpath (config sets none)",
        "dbpath mongod по умолчанию (в настройках не задан)",
    ),
    ("mongod default dbpath", "dbpath mongod по умолчанию"),
    ("inside the container, {}", "внутри контейнера: {}"),
    (
        "directory {} is closed to the service user (uid {})",
        "каталог {} закрыт для служебного пользователя (uid {})",
    ),
    (
        "owned by uid {} (mode {}): not readable as the service user (uid {})",
        "владелец uid {} (режим {}): служебный пользователь (uid {}) не может прочитать",
    ),
    ("larger than {} MiB", "больше {} МиБ"),
    ("the root cannot be opened", "корень не удаётся открыть"),
    (
        "its volume has no known host source",
        "у его тома нет известного источника на хосте",
    ),
    (
        "the container's layers are not known",
        "слои контейнера неизвестны",
    ),
    ("deleted in the container", "удалён в контейнере"),
    (
        "not found in the container's volumes or layers",
        "не найден в томах и слоях контейнера",
    ),
    (
        "not in an image layer of the container",
        "не в слое образа контейнера",
    ),
    (
        "the executable is not known (unreadable /proc/PID/exe)",
        "исполняемый файл неизвестен (/proc/PID/exe не читается)",
    ),
    (
        "the executable {} was deleted or replaced since the process started",
        "исполняемый файл {} удалён или заменён после запуска процесса",
    ),
    (
        "the executable {} was not found in the container's image layers",
        "исполняемый файл {} не найден в слоях образа контейнера",
    ),
    (
        "the executable {} comes from the container's {} ({}), which the container can write",
        "исполняемый файл {} взят из {} контейнера ({}), куда контейнер может писать",
    ),
    (
        "the layer holding {} is not in a known container runtime's storage",
        "слой с {} не в хранилище известной среды контейнеров",
    ),
    ("image layer not safe: {}", "слой образа небезопасен: {}"),
    ("{} is owned by uid {}", "{} принадлежит uid {}"),
    ("{} is a shared place", "{} — общее место"),
    ("sticky /tmp is not safe", "/tmp с битом sticky небезопасен"),
    (
        "directory {} cannot be examined",
        "каталог {} не удаётся проверить",
    ),
    ("{} cannot be examined", "{} не удаётся проверить"),
    ("{} is not a directory", "{} — не каталог"),
    (
        "not clean text (invalid UTF-8 or a control character such as a newline): no format can carry it safely",
        "не чистый текст (неверный UTF-8 или управляющий символ, например перевод строки): ни один формат не передаст его безопасно",
    ),
    // audit: why a setting is missing, stale, too broad or a pitfall
    (
        "{}: this host needs it ({} view; {})",
        "{}: нужно этому хосту (вид: {w}; {})",
    ),
    (
        "{}: this host needs it ({} view)",
        "{}: нужно этому хосту (вид: {w})",
    ),
    (
        "{}: process this host runs ({} view)",
        "{}: процесс, который работает на этом хосте (вид: {w})",
    ),
    (
        "a top-level directory: it exempts everything below it, on the host and (for an in-container path) in every container",
        "каталог верхнего уровня: исключает всё, что под ним, на хосте и (для пути внутри контейнера) в каждом контейнере",
    ),
    (
        "no such path on the host, and no running container has it as its data path",
        "такого пути нет на хосте, и ни у одного работающего контейнера это не путь данных",
    ),
    (
        "the path no longer exists on this host",
        "этого пути больше нет на этом хосте",
    ),
    (
        "an older version, revision or volume: this host needs another (see missing)",
        "старая версия, ревизия или том: этому хосту нужен другой (см. «не хватает»)",
    ),
    (
        "a trailing / makes clamonacc ignore the exclusion (measured, lab README)",
        "из-за / в конце clamonacc игнорирует исключение (измерено, README лаборатории)",
    ),
    (
        "ClamAV 1.5+ reads it as an unanchored regex: it also excludes every directory whose path merely contains it (anchor and escape it: ^dir$)",
        "ClamAV 1.5+ читает это как регулярное выражение без привязки: исключается и каждый каталог, путь которого просто содержит его (привяжите и экранируйте: ^dir$)",
    ),
    (
        "an include path with a trailing / together with any OnAccessExcludePath: clamonacc logs \"can't exclude\" and protects nothing (measured, lab README)",
        "включаемый путь с / в конце вместе с любым OnAccessExcludePath: clamonacc пишет в журнал \"can't exclude\" и ничего не защищает (измерено, README лаборатории)",
    ),
    (
        "holds {} mount point(s) of other filesystems ({}): clamonacc's directory walk fails on one with subdirectories and then protects nothing while it keeps running (measured on ClamAV 1.4.3 and 1.4.6); exclude the subtree holding them or include narrower paths",
        "содержит точки монтирования других файловых систем ({}: {}): обход каталогов clamonacc ломается на точке с подкаталогами и дальше ничего не защищает, продолжая работать (измерено на ClamAV 1.4.3 и 1.4.6); исключите поддерево с ними или включайте более узкие пути",
    ),
    (
        "containers run on this host and clamonacc does not scan their file I/O: it resolves the in-container path on the host, fails, and allows the access (measured on 1.4.3 and 1.4.6); scan their volumes on demand",
        "на этом хосте работают контейнеры, а clamonacc не проверяет их файловый ввод-вывод: он ищет путь из контейнера на хосте, не находит и разрешает доступ (измерено на 1.4.3 и 1.4.6); проверяйте их тома по требованию",
    ),
    (
        "no OnAccessExcludeUname {}: clamonacc would scan clamd's own file accesses",
        "нет OnAccessExcludeUname {}: clamonacc проверял бы обращения к файлам самого clamd",
    ),
    // clap's tips
    (
        "to pass '{}' as a value, use '-- {}'",
        "чтобы передать '{}' как значение, пишите '-- {}'",
    ),
    // Rust's own parse errors (a --stale-after that is not a number)
    (
        "invalid digit found in string",
        "в строке недопустимая цифра",
    ),
    (
        "number too large to fit in target type",
        "число слишком велико",
    ),
    (
        "cannot parse integer from empty string",
        "пустая строка вместо числа",
    ),
];

/// Warnings by code: `(code, English template, Russian template)`. The code stays in the output
/// (`warning[not-root]`); only the sentence is translated.
pub const WARNINGS: &[(W, &str, &str)] = &[
    (
        W::NotRoot,
        "not running as root: other users' processes show no executable, cwd, open sockets or mounts; run as root for a complete inventory",
        "запуск не от root: у процессов других пользователей не видны исполняемый файл, рабочий каталог, открытые сокеты и точки монтирования; для полной описи запустите от root",
    ),
    (
        W::ProcUnreadable,
        "cannot list processes: {}",
        "не удаётся перечислить процессы: {}",
    ),
    (
        W::ExeHostUnresolved,
        "the executable of {} containerised process(es) was not found in their overlay layers or volumes; no host path to exclude (pids {})",
        "исполняемый файл процессов в контейнерах ({}) не найден в их слоях overlay и томах; на хосте нечего исключать (pid {})",
    ),
    (
        W::PermissionDenied,
        "{} not readable for {} process(es) (pids {})",
        "{} не читается у процессов ({}) (pid {})",
    ),
    (
        W::MalformedProcFile,
        "{} malformed line(s) skipped",
        "пропущено искажённых строк: {}",
    ),
    (W::MalformedProcFile, "no Uid line", "нет строки Uid"),
    (
        W::HostMountsUnreadable,
        "cannot read the host's mount table: volume host sources cannot be mapped",
        "не удаётся прочитать таблицу монтирования хоста: источники томов на хосте не определить",
    ),
    (
        W::NotARegularFile,
        "{} is a {}, not a regular file: skipped, not read",
        "{} — {}, а не обычный файл: пропущен, не прочитан",
    ),
    (
        W::UnreadableProcFile,
        "cannot read socket table: {}",
        "не удаётся прочитать таблицу сокетов: {}",
    ),
    (
        W::UnreadableProcFile,
        "cannot read {}: {}",
        "не удаётся прочитать {}: {}",
    ),
    (
        W::ProcessVanished,
        "the process exited during the scan; it is left out",
        "процесс завершился во время сканирования; он не учтён",
    ),
    (W::ProcEntryRefused, "not read: {}", "не прочитано: {}"),
    (
        W::CmdlineCut,
        "the command line is longer than {} MiB; only its start was read",
        "командная строка длиннее {} МиБ; прочитано только её начало",
    ),
    (
        W::HashFailed,
        "cannot hash the executable: {}",
        "не удаётся вычислить хеш исполняемого файла: {}",
    ),
    (
        W::ProcFileMissing,
        "socket table missing: its listeners are not listed",
        "нет таблицы сокетов: её слушающие сокеты не перечислены",
    ),
    (
        W::HostFactMissing,
        "could not read the host's {}",
        "не удалось прочитать {} хоста",
    ),
    (
        W::ConfigNotRead,
        "config file {} named by the command line was not read: {}",
        "файл настроек {} из командной строки не прочитан: {}",
    ),
    (
        W::DataPathUntrusted,
        "the patroni script {} is not trusted ({}); its data_dir is not used",
        "скрипту patroni {} нет доверия ({}); его data_dir не используется",
    ),
    (
        W::DataPathUntrusted,
        "looks like a {} server, but its executable is not trusted ({}); its directories are not used",
        "похоже на сервер {}, но его исполняемому файлу нет доверия ({}); его каталоги не используются",
    ),
    (
        W::DataPathUntrusted,
        "{} data directory {} ({}) is not used: {}",
        "каталог данных {} {} ({}) не используется: {}",
    ),
    (
        W::DataOwnerUnverified,
        "data directory ownership cannot be verified in this copy (a copy that keeps no owners, e.g. a git checkout): owned by uid {}, the owner of the copy's root, and not by their service users: {}; none is used. Scan the host itself, or a copy made with owners kept (tar or cp -a as root)",
        "владельца каталогов данных нельзя проверить в этой копии (копия без владельцев файлов, например из git): их владелец — uid {}, владелец корня копии, а не служебные пользователи: {}; ни один не используется. Сканируйте сам узел или копию, сделанную с сохранением владельцев (tar или cp -a от root)",
    ),
    (
        W::DataPathUnmapped,
        "{} data directory {} is inside a container whose host location could not be worked out",
        "каталог данных {} {} — внутри контейнера, расположение которого на хосте определить не удалось",
    ),
    (
        W::HashCacheInvalid,
        "the hash cache is not readable; starting a new one",
        "кэш хешей не читается; начат новый",
    ),
    (
        W::HashCacheInvalid,
        "cannot read the hash cache: {}",
        "не удаётся прочитать кэш хешей: {}",
    ),
    (
        W::HashCacheUnwritable,
        "cannot write the hash cache: {}",
        "не удаётся записать кэш хешей: {}",
    ),
    (
        W::StaleInventory,
        "{} ({}) was collected at {}, more than {} days ago: marked stale; collect it again",
        "{w} ({}) собрана {w}, больше {} дн. назад: отмечена как устаревшая; соберите её заново",
    ),
    (
        W::NotExpressible,
        "{}: {} entries have values this product cannot express (process or port exclusions); not written, listed in the output's comments: {}",
        "{}: у записей ({}) есть значения, которые этот антивирус выразить не может (исключения процессов или портов); не записаны, перечислены в комментариях файлов: {}",
    ),
    (
        W::UnknownId,
        "--allow-risk {}: no entry of the report has this id",
        "--allow-risk {}: в отчёте нет записи с таким id",
    ),
    (
        W::PartlyExpressible,
        "{}: {}: {} written, but {}",
        "{}: {}: {} записано, но {}",
    ),
    (
        W::HeldBack,
        "{}: {}: {} held back: {}",
        "{}: {}: {} отложено: {}",
    ),
    (
        W::RefusedValue,
        "{}: {}: {} refused: {}",
        "{}: {}: {} отклонено: {}",
    ),
    (
        W::NotExpressible,
        "{}: {}: {} not written: {}",
        "{}: {}: {} не записано: {}",
    ),
];

/// Words and noun phrases that stand for a value inside a sentence (`host` in "(host view)",
/// `sequence` in "invalid type: sequence"). Translated only where a Russian template says `{w}`
/// (or `{Nw}`), never on their own: a user's value that happens to be `host` stays `host`.
pub const WORDS: &[(&str, &str)] = &[
    ("this host", "этом хосте"),
    ("unknown", "неизвестен"),
    ("host", "хост"),
    ("container", "контейнер"),
    ("a flow node", "потоковый узел"),
    ("a block node", "блочный узел"),
    ("a flow mapping", "потоковое отображение"),
    ("a block mapping", "блочное отображение"),
    ("a flow sequence", "потоковая последовательность"),
    ("a block collection", "блочная коллекция"),
    ("a simple key", "простой ключ"),
    ("a quoted scalar", "скаляр в кавычках"),
    ("a plain scalar", "простой скаляр"),
    ("a block scalar", "блочный скаляр"),
    ("an anchor", "якорь"),
    ("an alias", "псевдоним"),
    ("a tag", "тег"),
    ("a directive", "директива"),
    ("sequence", "последовательность"),
    ("map", "отображение"),
    ("a string", "строка"),
    ("a sequence", "последовательность"),
    ("a map", "отображение"),
    ("a boolean", "логическое значение"),
    (
        "a YAML tag starting with '!'",
        "тег YAML, начинающийся с '!'",
    ),
    ("none", "нет"),
    ("the scan", "сканирование"),
    ("the scanned root", "сканируемый корень"),
    ("an unknown time", "в неизвестное время"),
];

/// Fragments of library and system text that appear inside other messages (what `std::io` says
/// about a file, what a file is): replaced wherever they occur in a translated line.
pub const PHRASES: &[(&str, &str)] = &[
    ("No such file or directory", "нет такого файла или каталога"),
    ("Permission denied", "доступ запрещён"),
    ("Not a directory", "не каталог"),
    ("Is a directory", "это каталог"),
    ("File exists", "файл уже существует"),
    (
        "Read-only file system",
        "файловая система только для чтения",
    ),
    ("No space left on device", "нет места на устройстве"),
    (
        "Too many levels of symbolic links",
        "слишком много уровней символических ссылок",
    ),
    ("Operation not permitted", "операция не разрешена"),
    ("Invalid argument", "недопустимый аргумент"),
    ("Directory not empty", "каталог не пуст"),
    (
        "not a regular file; only regular files are read",
        "не обычный файл; читаются только обычные файлы",
    ),
    ("is a directory,", "это каталог,"),
    ("is a FIFO,", "это FIFO,"),
    ("is a character device,", "это символьное устройство,"),
    ("is a block device,", "это блочное устройство,"),
    ("is a socket,", "это сокет,"),
    ("is a symbolic link,", "это символическая ссылка,"),
    ("is not a regular file,", "не обычный файл,"),
    ("is larger than", "больше"),
    (
        "MiB, the limit for an input file",
        "МиБ — предела для входного файла",
    ),
    (
        "starts with a UTF-8 byte-order mark (U+FEFF); save the file as UTF-8 without BOM",
        "начинается с метки порядка байтов UTF-8 (U+FEFF); сохраните файл в UTF-8 без BOM",
    ),
    (
        "not UTF-8 text (invalid byte at offset",
        "не текст UTF-8 (недопустимый байт по смещению",
    ),
    // why a format cannot carry a value (`render/escape.rs`), quoted inside a refusal
    ("empty value", "пустое значение"),
    ("control character U+", "управляющий символ U+"),
    (
        "(a newline or CR could start a new line)",
        "(перевод строки или CR мог бы начать новую строку)",
    ),
    (
        "KESL settings files have no escape for a double quote",
        "в файлах настроек KESL нельзя экранировать двойную кавычку",
    ),
    (
        "KESL trims blanks around a value",
        "KESL обрезает пробелы вокруг значения",
    ),
    (
        "Dr.Web quoted values have no documented escape for `\"` or `\\`",
        "в значениях Dr.Web в кавычках нет документированного экранирования для `\"` и `\\`",
    ),
    (
        "`#` and `;` start a comment in drweb.ini, even inside quotes",
        "`#` и `;` начинают комментарий в drweb.ini, даже внутри кавычек",
    ),
    (
        "clamd.conf may treat `#` as the start of a comment",
        "clamd.conf может принять `#` за начало комментария",
    ),
    (
        "clamd.conf trims blanks around a value",
        "clamd.conf обрезает пробелы вокруг значения",
    ),
    (
        "ClamAV matches only the first 512 characters of a path",
        "ClamAV сравнивает только первые 512 символов пути",
    ),
    (
        "blanks around a value are lost in a one-per-line list",
        "пробелы вокруг значения теряются в списке по одному в строке",
    ),
    ("(os error", "(ошибка ОС"),
    ("the executable", "исполняемый файл"),
];

/// Texts learned at run time: the catalog's own bilingual texts (a reason or why-risk quoted
/// in English inside a render warning), set by the command line once the catalog is loaded.
static LEARNED: std::sync::RwLock<Vec<(String, String)>> = std::sync::RwLock::new(Vec::new());

/// Learn the catalog's bilingual texts (`risk_why`, `reason`), so a message quoting one in English
/// gets the catalog's own Russian: exact text, and without its final period as `render` quotes it.
pub fn learn_catalog(c: &crate::model::Catalog) {
    let mut pairs = Vec::new();
    for e in &c.entries {
        for t in [&e.risk_why, &e.reason] {
            if t.en.is_empty() || t.ru.is_empty() {
                continue;
            }
            pairs.push((t.en.clone(), t.ru.clone()));
            let (en, ru) = (t.en.trim_end_matches('.'), t.ru.trim_end_matches('.'));
            if en != t.en {
                pairs.push((en.to_string(), ru.to_string()));
            }
        }
    }
    if let Ok(mut l) = LEARNED.write() {
        *l = pairs;
    }
}

fn learned(text: &str) -> Option<String> {
    let l = LEARNED.read().ok()?;
    l.iter()
        .find(|(en, _)| en == text)
        .map(|(_, ru)| ru.clone())
}

/// Up to this depth a value taken from a message is itself translated (a message inside a message).
const DEPTH: usize = 4;

/// A message (one or more lines) in `lang`: English as given; in Russian, each line through the
/// catalogue. Catalog and template diagnostics keep their `file:line:col: error[code]:` prefix and
/// the source and caret lines as they are; only the sentence is translated.
pub fn translate(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    text.split('\n')
        .map(translate_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A warning's sentence in `lang`, looked up by its code first.
pub fn warning(code: &str, message: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    let code = W::parse(code);
    for (c, en, ru) in WARNINGS {
        if Some(*c) == code
            && let Some(vals) = matches(en, message)
        {
            return phrases(&fill(ru, &vals, 0));
        }
    }
    // a vendor's name before the sentence (`kesl: …`), as `render` prefixes it
    if let Some((vendor, rest)) = message.split_once(": ")
        && !vendor.contains(' ')
    {
        for (c, en, ru) in WARNINGS {
            if Some(*c) == code
                && let Some(vals) = matches(en, rest)
            {
                return format!("{vendor}: {}", phrases(&fill(ru, &vals, 0)));
            }
        }
    }
    translate_line(message)
}

/// `avexclude: warning[code] [subject]: message` in `lang` (the prefix and code stay as they are
/// in English; in Russian the word is `предупреждение`).
pub fn warning_line(code: &str, subject: Option<&str>, message: &str, lang: Lang) -> String {
    let subj = subject.map(|s| format!(" [{s}]")).unwrap_or_default();
    let word = lang.tr("warning", "предупреждение");
    format!(
        "avexclude: {word}[{code}]{subj}: {}",
        warning(code, message, lang)
    )
}

/// The words `avexclude: error:` and `caused by:` before an error in `lang`.
pub fn error_prefix(lang: Lang) -> &'static str {
    lang.tr("avexclude: error: ", "avexclude: ошибка: ")
}

pub fn caused_by(lang: Lang) -> &'static str {
    lang.tr("  caused by: ", "  причина: ")
}

fn translate_line(line: &str) -> String {
    // a diagnostic: `file:line:col: error[code]: message`
    if let Some(i) = line.find(": error[")
        && let Some(j) = line[i..].find("]: ")
        && line[..i].rsplitn(3, ':').count() == 3
    {
        let (head, msg) = line.split_at(i + j + 3);
        // `vendor definition error: FILE:L:C: error[code]: …`
        let head = match head.strip_prefix("vendor definition error: ") {
            Some(h) => format!("ошибка в описании антивируса: {h}"),
            None => head.to_string(),
        };
        return format!("{head}{}", diagnostic(msg));
    }
    phrases(&translate_at(line, 0))
}

/// A catalog or template diagnostic's sentence.
fn diagnostic(msg: &str) -> String {
    for (en, ru) in DIAGNOSTICS {
        if let Some(vals) = matches(en, msg) {
            return phrases(&fill(ru, &vals, 0));
        }
    }
    // a key path before the sentence (`entries[0].kind: invalid type: …`)
    if let Some((key, rest)) = msg.split_once(": ")
        && !key.is_empty()
        && !key.contains(' ')
    {
        return format!("{key}: {}", diagnostic(rest));
    }
    phrases(&translate_at(msg, 0))
}

/// The catalog loader's and the template checker's sentences (their codes are in `catalog lint
/// --codes`).
pub const DIAGNOSTICS: &[(&str, &str)] = &[
    ("cannot read: {}", "не удаётся прочитать: {}"),
    (
        "nested deeper than {} levels",
        "вложенность глубже {} уровней",
    ),
    (
        "id '{}' is already defined at {}; use `override` to change it",
        "id '{}' уже определён в {}; чтобы изменить запись, используйте `override`",
    ),
    (
        "override of '{}', which no catalog defines",
        "override для '{}', которого нет ни в одном каталоге",
    ),
    (
        "disable of '{}', which no catalog defines",
        "disable для '{}', которого нет ни в одном каталоге",
    ),
    (
        "a disabled entry needs a written reason",
        "отключённой записи нужна письменная причина",
    ),
    (
        "id '{}' must be lowercase letters, digits and dashes",
        "id '{}' должен состоять из строчных латинских букв, цифр и дефисов",
    ),
    (
        "'{}' needs both ru and en text",
        "'{}' нужен текст и на ru, и на en",
    ),
    (
        "a process name has no '/'; use kind process-path",
        "в имени процесса нет '/'; используйте kind process-path",
    ),
    (
        "'{}' is not a normalised path (no //, . or ..)",
        "'{}' — не нормализованный путь (без //, . и ..)",
    ),
    (
        "directory '{}' must end with '/'",
        "каталог '{}' должен заканчиваться на '/'",
    ),
    (
        "'{}' ends with '/' but names a file or executable",
        "'{}' заканчивается на '/', но называет файл или исполняемый файл",
    ),
    (
        "placeholder {} is not defined under `placeholders:` in any catalog file",
        "заполнитель {} не определён в `placeholders:` ни в одном файле каталога",
    ),
    ("the file is not UTF-8", "файл не в UTF-8"),
    (
        "schema {} is not supported; this avexclude reads schema {}",
        "схема {} не поддерживается; этот avexclude читает схему {}",
    ),
    (
        "placeholder {}: shape '{}' is not one of version, digits, name",
        "заполнитель {}: форма '{}' не из version, digits, name",
    ),
    (
        "placeholder {} is already defined with shape '{}'",
        "заполнитель {} уже определён с формой '{}'",
    ),
    (
        "namespace '{}' is not a Kubernetes name (RFC 1123 label)",
        "пространство имён '{}' — не имя Kubernetes (метка RFC 1123)",
    ),
    (
        "applies_when: platform '{}' is not one of {}",
        "applies_when: платформа '{}' не из {}",
    ),
    (
        "origin '{}' is not vendor, avexclude, deckhouse or site",
        "origin '{}' не из vendor, avexclude, deckhouse, site",
    ),
    ("rule '{}' is not one of: {}", "правило '{}' не из: {}"),
    (
        "canonical '{}' does not fit match '{}'",
        "canonical '{}' не подходит под match '{}'",
    ),
    ("'{}' is empty", "'{}' пусто"),
    ("'{}' is not an absolute path", "'{}' — не абсолютный путь"),
    ("'{}' at byte {}: {}", "'{}' в байте {}: {}"),
    (
        "bad placeholder name {}: use [a-z0-9_]",
        "неверное имя заполнителя {}: используйте [a-z0-9_]",
    ),
    (
        "two placeholders must be separated by text",
        "два заполнителя должны разделяться текстом",
    ),
    (
        "'{}' needs a protocol: PORT/tcp or PORT/udp",
        "'{}' нужен протокол: ПОРТ/tcp или ПОРТ/udp",
    ),
    (
        "protocol '{}' is not tcp or udp",
        "протокол '{}' — не tcp и не udp",
    ),
    (
        "'{}' is not a port number (1-65535)",
        "'{}' — не номер порта (1-65535)",
    ),
    (
        "range {} runs backwards",
        "диапазон {} идёт в обратную сторону",
    ),
    // vendor descriptors and templates
    ("blocks nested deeper than {}", "блоки вложены глубже {}"),
    (
        "invalid handlebars syntax: expected {}",
        "неверный синтаксис handlebars: ожидается одно из: {}",
    ),
    (
        "invalid handlebars syntax: {}",
        "неверный синтаксис handlebars: {}",
    ),
    (
        "sub-expressions nested deeper than {}",
        "подвыражения вложены глубже {}",
    ),
    (
        "unescaped output (`{{{...}}}` or `{{&...}}`) is not allowed: use a format helper ({{sh v}}, {{json v}}...)",
        "вывод без экранирования (`{{{...}}}` или `{{&...}}`) запрещён: используйте помощник формата ({{sh v}}, {{json v}}...)",
    ),
    (
        "`{}` writes a value without this format's escaping: write it through one of {}",
        "`{}` пишет значение без экранирования этого формата: пишите его через один из {}",
    ),
    (
        "block `{{#{}}}` is not allowed: use if, unless, each or with",
        "блок `{{#{}}}` запрещён: используйте if, unless, each или with",
    ),
    (
        "an inline partial needs a literal name: {{#*inline \"name\"}}",
        "встроенному partial нужно буквальное имя: {{#*inline \"name\"}}",
    ),
    (
        "inline partial \"{}\" is defined twice",
        "встроенный partial \"{}\" определён дважды",
    ),
    (
        "decorators other than {{#*inline \"name\"}} are not allowed",
        "декораторы, кроме {{#*inline \"name\"}}, запрещены",
    ),
    (
        "a partial must be named literally ({{> name}})",
        "partial должен называться буквально ({{> name}})",
    ),
    (
        "partial blocks ({{#> name}}) and other constructs are not allowed; use an inline partial",
        "блоки partial ({{#> name}}) и другие конструкции запрещены; используйте встроенный partial",
    ),
    (
        "partial \"{}\" is not defined in this template (only inline partials are)",
        "partial \"{}\" не определён в этом шаблоне (допустимы только встроенные)",
    ),
    (
        "inline partial \"{}\" calls itself (directly or through other partials): handlebars would recurse without end",
        "встроенный partial \"{}\" вызывает сам себя (прямо или через другие): handlebars ушёл бы в бесконечную рекурсию",
    ),
    (
        "name '{}' differs from the folder name '{}'",
        "имя '{}' отличается от имени папки '{}'",
    ),
    (
        "name must be lowercase letters, digits and dashes",
        "имя должно состоять из строчных латинских букв, цифр и дефисов",
    ),
    (
        "a vendor needs at least one source for its syntax",
        "антивирусу нужен хотя бы один источник его синтаксиса",
    ),
    (
        "gap `when: {}` must be always, containers or mounts",
        "пробел `when: {}` должен быть always, containers или mounts",
    ),
    (
        "a vendor needs at least one output file",
        "антивирусу нужен хотя бы один выходной файл",
    ),
    (
        "output name '{}' must be a plain file name",
        "имя вывода '{}' должно быть простым именем файла",
    ),
    (
        "mode '{}' must be octal, at most 0755",
        "режим '{}' должен быть восьмеричным, не больше 0755",
    ),
    ("template '{}' does not exist", "шаблона '{}' нет"),
    (
        "cannot read the vendors folder: {}",
        "не удаётся прочитать папку антивирусов: {}",
    ),
    (
        "template name '{}' must be a plain file name",
        "имя шаблона '{}' должно быть простым именем файла",
    ),
    // serde_yaml / libyaml
    (
        "mapping values are not allowed in this context",
        "значения отображения здесь недопустимы",
    ),
    ("did not find expected key", "не найден ожидаемый ключ"),
    (
        "did not find expected node content",
        "не найдено ожидаемое содержимое узла",
    ),
    (
        "did not find expected '-' indicator",
        "не найден ожидаемый индикатор '-'",
    ),
    ("could not find expected ':'", "не найдено ожидаемое ':'"),
    (
        "found character that cannot start any token",
        "найден символ, с которого не может начинаться лексема",
    ),
    ("found unexpected end of stream", "неожиданный конец потока"),
    (
        "found undefined tag handle",
        "найден неопределённый обработчик тега",
    ),
    (
        "found a tab character that violates indentation",
        "символ табуляции нарушает отступы",
    ),
    (
        "found unknown escape character",
        "найден неизвестный escape-символ",
    ),
    (
        "invalid type: {}, expected {}",
        "неверный тип: {w}, ожидается {w}",
    ),
    (
        "unknown field `{}`, expected one of {}",
        "неизвестное поле `{}`, ожидается одно из {}",
    ),
    (
        "unknown field `{}`, expected {}",
        "неизвестное поле `{}`, ожидается {}",
    ),
    ("missing field `{}`", "нет поля `{}`"),
    (
        "unknown variant `{}`, expected one of {}",
        "неизвестный вариант `{}`, ожидается один из {}",
    ),
    (
        "unknown variant `{}`, expected {}",
        "неизвестный вариант `{}`, ожидается {}",
    ),
    ("duplicate field `{}`", "поле `{}` повторяется"),
    (
        "while parsing a block mapping",
        "при разборе блочного отображения",
    ),
    (
        "while parsing a flow mapping",
        "при разборе потокового отображения",
    ),
    ("while scanning a simple key", "при разборе простого ключа"),
    ("{}, while parsing {}", "{} (при разборе: {w})"),
    ("{}, while scanning {}", "{} (при чтении: {w})"),
    (
        "did not find expected ',' or ']'",
        "не найдено ожидаемое ',' или ']'",
    ),
    (
        "did not find expected ',' or '}'",
        "не найдено ожидаемое ',' или '}'",
    ),
    ("found unexpected ':'", "найдено неожиданное ':'"),
    (
        "found unexpected document indicator",
        "найден неожиданный индикатор документа",
    ),
    (
        "block sequence entries are not allowed in this context",
        "элементы блочной последовательности здесь недопустимы",
    ),
    (
        "found incomplete escape sequence",
        "найдена незавершённая escape-последовательность",
    ),
    (
        "found duplicate anchor; first occurrence",
        "повторяющийся якорь; первое появление",
    ),
    ("found undefined alias", "найден неопределённый псевдоним"),
    (
        "duplicate entry with key {}",
        "повторяющийся элемент с ключом {}",
    ),
];

/// The first template of the catalogue that matches, filled with the values (each translated in
/// turn); the line itself if none does.
fn translate_at(line: &str, depth: usize) -> String {
    if depth > DEPTH || line.is_empty() {
        return line.to_string();
    }
    if let Some(ru) = learned(line) {
        return ru;
    }
    // a template that starts with a literal first: one that starts with a value would take the
    // head of a longer message for that value
    for anchored in [true, false] {
        for (en, ru) in ERRORS.iter().chain(DIAGNOSTICS.iter()) {
            if en.starts_with("{}") != anchored
                && let Some(vals) = matches(en, line)
            {
                return fill(ru, &vals, depth + 1);
            }
        }
    }
    line.to_string()
}

/// The values of `{}` in `template` if `text` has its shape: the literal parts in order, the first
/// at the start and the last at the end; a value is the shortest text up to the next literal.
fn matches(template: &str, text: &str) -> Option<Vec<String>> {
    let lits: Vec<&str> = template.split("{}").collect();
    let (first, last) = (lits[0], lits[lits.len() - 1]);
    if lits.len() == 1 {
        return (template == text).then(Vec::new);
    }
    let mut rest = text.strip_prefix(first)?;
    let mut vals = Vec::new();
    for (k, lit) in lits.iter().enumerate().skip(1) {
        if k == lits.len() - 1 {
            if last.is_empty() {
                vals.push(rest.to_string());
                rest = "";
            } else {
                let v = rest.strip_suffix(last)?;
                vals.push(v.to_string());
                rest = "";
            }
        } else {
            if lit.is_empty() {
                // two values side by side cannot be told apart
                return None;
            }
            let i = rest.find(lit)?;
            vals.push(rest[..i].to_string());
            rest = &rest[i + lit.len()..];
        }
    }
    if !rest.is_empty() || vals.iter().any(|v| v.is_empty()) {
        return None;
    }
    Some(vals)
}

/// `ru` with its `{}` (in order) and `{N}` replaced by the values, each translated in turn.
fn fill(ru: &str, vals: &[String], depth: usize) -> String {
    let mut out = String::with_capacity(ru.len() + 32);
    let mut next = 0;
    let mut rest = ru;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = &after[..j];
        // `{w}`/`{Nw}`: a value that may be one of the WORDS; `{}`/`{N}`: a value that may be a
        // message itself
        let (inner, word) = match inner.strip_suffix('w') {
            Some(n) => (n, true),
            None => (inner, false),
        };
        let k = if inner.is_empty() {
            next += 1;
            Some(next - 1)
        } else {
            inner.parse::<usize>().ok()
        };
        match k.and_then(|k| vals.get(k)) {
            Some(v) if word => out.push_str(
                WORDS
                    .iter()
                    .find(|(en, _)| en == v)
                    .map_or(v.as_str(), |(_, ru)| *ru),
            ),
            Some(v) => out.push_str(&translate_at(v, depth)),
            None => out.push_str(&rest[i..i + j + 2]),
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

fn phrases(s: &str) -> String {
    let mut s = s.to_string();
    for (en, ru) in PHRASES {
        if s.contains(en) {
            s = s.replace(en, ru);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every warning code this version writes has its Russian: a new code without one fails.
    #[test]
    fn every_warning_code_has_a_russian_text() {
        // read from older inventories only, never written (their text is the old version's)
        let read_only = [W::ProcMissing, W::ProcSymlink, W::DiscoveryFailed];
        let missing: Vec<&str> = W::ALL
            .iter()
            .filter(|c| !read_only.contains(c) && !WARNINGS.iter().any(|(w, _, _)| w == *c))
            .map(|c| c.as_str())
            .collect();
        assert!(
            missing.is_empty(),
            "no Russian for warning codes {missing:?}"
        );
    }

    #[test]
    fn english_is_unchanged() {
        let m = "state file /s belongs to a, not to this host b: whatever";
        assert_eq!(translate(m, Lang::En), m);
        assert_eq!(warning("not-root", m, Lang::En), m);
    }

    #[test]
    fn every_template_has_as_many_values_in_both_languages() {
        // every value the Russian names exists in the English (a value may be left out where
        // Russian grammar has no place for it, e.g. "directory is" / "directories are")
        let count = |t: &str| t.matches("{}").count() + t.matches("{w}").count();
        let highest = |t: &str| {
            (0..9)
                .filter(|k| t.contains(&format!("{{{k}}}")) || t.contains(&format!("{{{k}w}}")))
                .max()
        };
        let check = |en: &str, ru: &str| {
            let n = count(en);
            assert!(count(ru) <= n, "{en}");
            assert!(highest(ru).is_none_or(|k| k < n), "{en}");
            assert!(
                count(ru) + highest(ru).map_or(0, |_| 1) > 0 || n == 0,
                "{en}"
            );
        };
        for (en, ru) in ERRORS.iter().chain(DIAGNOSTICS.iter()) {
            check(en, ru);
        }
        for (_, en, ru) in WARNINGS {
            check(en, ru);
        }
    }

    #[test]
    fn the_library_errors_are_translated_with_their_values() {
        use crate::check::state::StateError;
        let e = StateError::OtherHost {
            path: "/var/lib/s.json".into(),
            theirs: "db-1".into(),
            ours: "app-2".into(),
        };
        let ru = translate(&e.to_string(), Lang::Ru);
        assert_eq!(
            ru,
            "файл состояния /var/lib/s.json принадлежит хосту db-1, а не этому хосту app-2: \
             состояние ведётся для каждого хоста отдельно (дайте каждому хосту свой файл --state; \
             никогда не копируйте его между хостами)"
        );
        let io = std::io::Error::from_raw_os_error(2);
        let e = StateError::Read {
            path: "/s".into(),
            source: io,
        };
        assert_eq!(
            translate(&e.to_string(), Lang::Ru),
            "файл состояния /s: не удаётся прочитать: нет такого файла или каталога (ошибка ОС 2)"
        );
    }

    #[test]
    fn a_message_inside_a_message_is_translated_too() {
        let m = "the scan could not read the host's processes (cannot list processes: No such file or directory (os error 2)) at /r/proc: run avexclude on the host itself as root, or give --root a directory where the host's /proc is mounted (e.g. --root /host with /host/proc)";
        let ru = translate(m, Lang::Ru);
        assert!(
            ru.starts_with("сканирование не смогло прочитать процессы хоста (не удаётся перечислить процессы: нет такого файла или каталога (ошибка ОС 2)) в /r/proc: запустите"),
            "{ru}"
        );
    }

    #[test]
    fn a_diagnostic_keeps_its_position_code_and_caret() {
        let m = "site.yaml:3:7: error[yaml-syntax]: mapping values are not allowed in this context\n  |\n3 | a: b: c\n  |       ^";
        let ru = translate(m, Lang::Ru);
        assert_eq!(
            ru,
            "site.yaml:3:7: error[yaml-syntax]: значения отображения здесь недопустимы\n  |\n3 | a: b: c\n  |       ^"
        );
    }

    /// The fail-closed refusals as the command line builds them, each wholly Russian.
    #[test]
    fn every_fail_closed_message_is_translated() {
        use crate::cli::lifecycle::{blind_scan, empty_host_message};
        use crate::model::{Inventory, Process, Warning};
        let ascii_words = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_ascii_alphabetic() && c != '/' && c != '-' && c != '_')
                .filter(|w| w.len() >= 4 && !w.contains(['/', '-', '_']))
                .filter(|w| !["avexclude", "root", "sudo", "hidepid", "hostPID"].contains(w))
                .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
                .map(str::to_string)
                .collect()
        };
        let mut inv = Inventory {
            root: "/r/".into(),
            ..Default::default()
        };
        let mut msgs = vec![blind_scan(&inv).expect("no process is blind")];
        inv.warnings
            .push(Warning::new(W::ProcUnreadable, "cannot list processes: x").about("/r/proc"));
        msgs.push(blind_scan(&inv).expect("an unreadable /proc is blind"));
        inv.warnings.clear();
        inv.processes.push(Process {
            pid: 7,
            cmdline: vec!["postgres".into()],
            ..Default::default()
        });
        msgs.push(blind_scan(&inv).expect("a non-root scan without executables is blind"));
        let catalog = crate::catalog::load_with_overlays(&[] as &[&str]).expect("built-in catalog");
        msgs.push(empty_host_message(&crate::check::check(&catalog, &inv)));
        for m in msgs {
            let ru = translate(&m, Lang::Ru);
            assert_ne!(ru, m);
            let eng = ascii_words(&ru);
            assert!(eng.is_empty(), "{eng:?} in {ru}");
        }
    }

    /// A user's value that happens to be one of the WORDS stays as it is.
    #[test]
    fn a_value_is_not_taken_for_a_word() {
        assert_eq!(
            translate("--root host: not a directory", Lang::Ru),
            "--root host: не каталог"
        );
        assert_eq!(
            translate("unknown vendor 'map'; known vendors: a, b", Lang::Ru),
            "неизвестный антивирус 'map'; известные: a, b"
        );
        assert_eq!(
            translate("x: this host needs it (host view)", Lang::Ru),
            "x: нужно этому хосту (вид: хост)"
        );
    }

    #[test]
    fn an_unknown_line_is_left_as_it_is() {
        assert_eq!(translate("zzz qqq", Lang::Ru), "zzz qqq");
    }

    #[test]
    fn warnings_are_looked_up_by_code_and_keep_the_vendor() {
        assert_eq!(
            warning(
                "process-vanished",
                "the process exited during the scan; it is left out",
                Lang::Ru
            ),
            "процесс завершился во время сканирования; он не учтён"
        );
        assert_eq!(
            warning(
                "unknown-id",
                "kesl: --allow-risk proc-nod: no entry of the report has this id",
                Lang::Ru
            ),
            "kesl: --allow-risk proc-nod: в отчёте нет записи с таким id"
        );
    }
}

#[cfg(test)]
mod coverage {
    //! A new error message without its Russian fails here: every literal of an exit-2 message in
    //! `src/` (`CliError::Input`, `#[error]`, `bail!`, `with_context`) and of every warning
    //! (`Warning::new`, `self.warn`) must have each of its
    //! fixed parts in an English template of the catalogue.
    use super::*;

    /// The string literal starting at `s` (after its opening quote), with Rust's line
    /// continuations (`\` + newline + indentation) and escapes of quotes undone.
    fn literal(s: &str) -> Option<String> {
        let mut out = String::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '"' => return Some(out),
                '\\' => match it.next()? {
                    '\n' => {
                        while it.peek().is_some_and(|c| c.is_whitespace()) {
                            it.next();
                        }
                    }
                    'n' => out.push('\n'),
                    c => out.push(c),
                },
                c => out.push(c),
            }
        }
        None
    }

    /// The fixed parts of a format string: the text between `{…}` placeholders (`{{` is a brace).
    fn fixed_parts(f: &str) -> Vec<String> {
        let f = f.replace("{{", "\u{1}").replace("}}", "\u{2}");
        let mut parts = Vec::new();
        let mut cur = String::new();
        let mut depth = 0;
        for c in f.chars() {
            match c {
                '{' => {
                    depth += 1;
                    parts.push(std::mem::take(&mut cur));
                }
                '}' if depth > 0 => depth -= 1,
                _ if depth > 0 => {}
                c => cur.push(c),
            }
        }
        parts.push(cur);
        parts
            .into_iter()
            .map(|p| p.replace('\u{1}', "{").replace('\u{2}', "}"))
            .collect()
    }

    #[test]
    fn every_error_message_of_the_source_has_a_russian_template() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let english: Vec<&str> = ERRORS
            .iter()
            .chain(DIAGNOSTICS.iter())
            .map(|(en, _)| *en)
            .chain(WARNINGS.iter().map(|(_, en, _)| *en))
            .collect();
        let mut missing = Vec::new();
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.expect("walk src");
            let p = entry.path();
            if p.extension().is_none_or(|e| e != "rs") || p.ends_with("i18n/messages.rs") {
                continue;
            }
            let text = std::fs::read_to_string(p).expect("read source");
            // only the code before the unit tests
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for marker in [
                "CliError::Input(",
                "#[error(",
                "bail!(",
                "with_context(||",
                // (spelled in two pieces: `warning_codes` searches the source for a literal
                // code right after these)
                concat!("Warning::new", "("),
                concat!("self.warn", "("),
            ] {
                for (i, _) in text.match_indices(marker) {
                    let after = &text[i + marker.len()..];
                    // the first string literal within the next few lines
                    let window: String = after.chars().take(160).collect();
                    let Some(q) = window.find('"') else { continue };
                    if window[..q].contains(';')
                        || window[..q].contains(')') && !window[..q].contains('(')
                    {
                        continue;
                    }
                    let Some(lit) = literal(&after[q + 1..]) else {
                        continue;
                    };
                    seen += 1;
                    for part in fixed_parts(&lit) {
                        let part = part.trim();
                        // short joints (`: `, ` (`) carry no sentence
                        if part.chars().filter(|c| c.is_ascii_alphabetic()).count() < 6 {
                            continue;
                        }
                        if !english.iter().any(|t| t.contains(part)) {
                            missing.push(format!("{}: {part:?}", p.display()));
                        }
                    }
                }
            }
        }
        assert!(seen > 40, "only {seen} messages found: the scan is broken");
        assert!(missing.is_empty(), "no Russian template for: {missing:#?}");
    }
}
