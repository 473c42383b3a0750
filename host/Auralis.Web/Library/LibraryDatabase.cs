using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Auralis.Web.Library;

/// <summary>
/// The library's SQLite file: tracks as scanned and their cached analyses (fingerprint, plots, waveform). WAL mode, so
/// the scanner writes while requests read. One connection per operation (pooled by the provider): thread-safe.
/// </summary>
public sealed class LibraryDatabase
{
    /// <summary>The database file's name inside the data directory.</summary>
    public const string FileName = "library.db";

    private const int SchemaVersion = 1;
    private readonly string _connectionString;

    private LibraryDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when needed) the library database in <paramref name="dataDirectory"/>.</summary>
    public static LibraryDatabase Open(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var db = new LibraryDatabase(System.IO.Path.Combine(dataDirectory, FileName));
        using var c = db.Connect();
        Execute(c, "PRAGMA journal_mode=WAL;");
        Execute(c, """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS tracks (
              id INTEGER PRIMARY KEY,
              path TEXT NOT NULL UNIQUE,
              root TEXT NOT NULL,
              size INTEGER NOT NULL,
              mtime INTEGER NOT NULL,
              sample_rate INTEGER NOT NULL,
              channels INTEGER NOT NULL,
              frames INTEGER NOT NULL,
              container TEXT NOT NULL,
              encoding TEXT NOT NULL,
              tags TEXT NOT NULL,
              error TEXT);
            CREATE TABLE IF NOT EXISTS analyses (
              track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
              kind TEXT NOT NULL,
              file_stamp TEXT NOT NULL,
              recipe TEXT NOT NULL,
              json TEXT NOT NULL,
              created_utc TEXT NOT NULL,
              PRIMARY KEY (track_id, kind));
            """);
        using (var check = c.CreateCommand())
        {
            check.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
            var found = check.ExecuteScalar() as string;
            if (found is null)
            {
                Execute(c, $"INSERT INTO meta (key, value) VALUES ('schema', '{SchemaVersion}')");
            }
            else if (found != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new InvalidDataException(
                    $"{db.Path} has library schema {found}; this Auralis uses schema {SchemaVersion}. Fix: move the file away (it is a cache) and restart");
            }
        }
        return db;
    }

    /// <summary>Where the library lives by default: <c>$XDG_DATA_HOME/auralis</c>, else <c>~/.local/share/auralis</c>.</summary>
    public static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return System.IO.Path.Combine(baseDir, "auralis");
    }

    /// <summary>Every track under one of <paramref name="roots"/>, ordered by artist, album, track number, path.</summary>
    public IReadOnlyList<Track> Tracks(IReadOnlyCollection<string> roots)
    {
        using var c = Connect();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT * FROM tracks ORDER BY path";
        var list = new List<Track>();
        using var r = q.ExecuteReader();
        while (r.Read())
        {
            var t = ReadTrack(r);
            if (roots.Contains(t.Root))
            {
                list.Add(t);
            }
        }
        return list;
    }

    /// <summary>The track with <paramref name="id"/>, or null.</summary>
    public Track? Find(long id) => FindOne("id", id);

    /// <summary>The track stored for <paramref name="path"/>, or null.</summary>
    public Track? FindByPath(string path) => FindOne("path", path);

    private Track? FindOne(string column, object value)
    {
        using var c = Connect();
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT * FROM tracks WHERE {column} = $value";
        q.Parameters.AddWithValue("$value", value);
        using var r = q.ExecuteReader();
        return r.Read() ? ReadTrack(r) : null;
    }

    /// <summary>Inserts or updates a track by path (its id stays); a changed file loses its cached analyses.</summary>
    public Track Upsert(Track t)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = """
                INSERT INTO tracks (path, root, size, mtime, sample_rate, channels, frames, container, encoding, tags, error)
                VALUES ($path, $root, $size, $mtime, $rate, $ch, $frames, $container, $encoding, $tags, $error)
                ON CONFLICT(path) DO UPDATE SET root = excluded.root, size = excluded.size, mtime = excluded.mtime,
                  sample_rate = excluded.sample_rate, channels = excluded.channels, frames = excluded.frames,
                  container = excluded.container, encoding = excluded.encoding, tags = excluded.tags, error = excluded.error
                """;
            q.Parameters.AddWithValue("$path", t.Path);
            q.Parameters.AddWithValue("$root", t.Root);
            q.Parameters.AddWithValue("$size", t.Size);
            q.Parameters.AddWithValue("$mtime", t.ModifiedTicks);
            q.Parameters.AddWithValue("$rate", t.SampleRate);
            q.Parameters.AddWithValue("$ch", t.Channels);
            q.Parameters.AddWithValue("$frames", t.Frames);
            q.Parameters.AddWithValue("$container", t.Container);
            q.Parameters.AddWithValue("$encoding", t.Encoding);
            q.Parameters.AddWithValue("$tags", JsonSerializer.Serialize(t.Tags));
            q.Parameters.AddWithValue("$error", (object?)t.Error ?? DBNull.Value);
            q.ExecuteNonQuery();
        }
        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "DELETE FROM analyses WHERE track_id = (SELECT id FROM tracks WHERE path = $path) AND file_stamp <> $stamp";
            q.Parameters.AddWithValue("$path", t.Path);
            q.Parameters.AddWithValue("$stamp", t.FileStamp);
            q.ExecuteNonQuery();
        }
        tx.Commit();
        return FindByPath(t.Path)!;
    }

    /// <summary>Removes tracks under <paramref name="root"/> whose paths are not in <paramref name="present"/>.</summary>
    public int RemoveMissing(string root, IReadOnlySet<string> present)
    {
        var gone = Tracks([root]).Where(t => !present.Contains(t.Path)).ToList();
        using var c = Connect();
        foreach (var t in gone)
        {
            using var q = c.CreateCommand();
            q.CommandText = "DELETE FROM tracks WHERE id = $id";
            q.Parameters.AddWithValue("$id", t.Id);
            q.ExecuteNonQuery();
        }
        return gone.Count;
    }

    /// <summary>A cached analysis of <paramref name="track"/>, when it was made from this file and this recipe.</summary>
    public string? FindAnalysis(Track track, string kind, string recipe)
    {
        using var c = Connect();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT json FROM analyses WHERE track_id = $id AND kind = $kind AND file_stamp = $stamp AND recipe = $recipe";
        q.Parameters.AddWithValue("$id", track.Id);
        q.Parameters.AddWithValue("$kind", kind);
        q.Parameters.AddWithValue("$stamp", track.FileStamp);
        q.Parameters.AddWithValue("$recipe", recipe);
        return q.ExecuteScalar() as string;
    }

    /// <summary>Stores an analysis, replacing the previous one of the same kind.</summary>
    public void StoreAnalysis(Track track, string kind, string recipe, string json)
    {
        using var c = Connect();
        using var q = c.CreateCommand();
        q.CommandText = """
            INSERT INTO analyses (track_id, kind, file_stamp, recipe, json, created_utc) VALUES ($id, $kind, $stamp, $recipe, $json, $now)
            ON CONFLICT(track_id, kind) DO UPDATE SET file_stamp = excluded.file_stamp, recipe = excluded.recipe,
              json = excluded.json, created_utc = excluded.created_utc
            """;
        q.Parameters.AddWithValue("$id", track.Id);
        q.Parameters.AddWithValue("$kind", kind);
        q.Parameters.AddWithValue("$stamp", track.FileStamp);
        q.Parameters.AddWithValue("$recipe", recipe);
        q.Parameters.AddWithValue("$json", json);
        q.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O"));
        q.ExecuteNonQuery();
    }

    /// <summary>The kinds of analysis cached for a track (current file only).</summary>
    public IReadOnlyList<string> CachedKinds(Track track)
    {
        using var c = Connect();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT kind FROM analyses WHERE track_id = $id AND file_stamp = $stamp ORDER BY kind";
        q.Parameters.AddWithValue("$id", track.Id);
        q.Parameters.AddWithValue("$stamp", track.FileStamp);
        var kinds = new List<string>();
        using var r = q.ExecuteReader();
        while (r.Read())
        {
            kinds.Add(r.GetString(0));
        }
        return kinds;
    }

    /// <summary>The journal mode in force (WAL once opened).</summary>
    public string JournalMode()
    {
        using var c = Connect();
        using var q = c.CreateCommand();
        q.CommandText = "PRAGMA journal_mode";
        return (string)q.ExecuteScalar()!;
    }

    private SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Execute(c, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        return c;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var q = c.CreateCommand();
        q.CommandText = sql;
        q.ExecuteNonQuery();
    }

    private static Track ReadTrack(SqliteDataReader r) => new(
        r.GetInt64(r.GetOrdinal("id")),
        r.GetString(r.GetOrdinal("path")),
        r.GetString(r.GetOrdinal("root")),
        r.GetInt64(r.GetOrdinal("size")),
        r.GetInt64(r.GetOrdinal("mtime")),
        r.GetInt32(r.GetOrdinal("sample_rate")),
        r.GetInt32(r.GetOrdinal("channels")),
        r.GetInt64(r.GetOrdinal("frames")),
        r.GetString(r.GetOrdinal("container")),
        r.GetString(r.GetOrdinal("encoding")),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(r.GetOrdinal("tags"))) ?? [],
        r.IsDBNull(r.GetOrdinal("error")) ? null : r.GetString(r.GetOrdinal("error")));
}
