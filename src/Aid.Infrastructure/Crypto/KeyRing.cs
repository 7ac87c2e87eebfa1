using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// The deployment's 256-bit master keys: the current one read from Aid:Crypto:KeyFile (created with mode 0600 on first
/// start), and the keys a rotation retired, read-only from <c>&lt;KeyFile&gt;.retired/&lt;keyid&gt;.key</c>. Each purpose gets
/// its own key through HKDF-SHA256, so the receipt MAC key is never the field-encryption key. A key is named by its id
/// (<see cref="KeyIdOf"/>); the database holds each id with a check value (<see cref="CheckValueOf"/>), see KeyRegistry.
/// </summary>
public sealed class KeyRing : IKeyRing
{
    private readonly byte[] _master;
    private readonly Dictionary<string, byte[]> _masters = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];

    public KeyRing(string keyFile)
    {
        KeyFile = Path.GetFullPath(keyFile);
        _master = LoadOrCreate(KeyFile);
        Add(_master);
        foreach (var retired in LoadRetired(RetiredFolderOf(KeyFile))) Add(retired);
    }

    /// <summary>A ring of keys in memory (current first): the key rotation's view before the files move, and tests.</summary>
    internal KeyRing(string keyFile, byte[] current, IEnumerable<byte[]> retired)
    {
        KeyFile = Path.GetFullPath(keyFile);
        _master = current;
        Add(current);
        foreach (var key in retired) Add(key);
    }

    private void Add(byte[] master)
    {
        var id = KeyIdOf(master);
        if (_masters.TryAdd(id, master)) _ids.Add(id);
    }

    public string KeyFile { get; }

    /// <summary>Where retired keys live: <c>&lt;KeyFile&gt;.retired/&lt;keyid&gt;.key</c>.</summary>
    public string RetiredFolder => RetiredFolderOf(KeyFile);

    public static string RetiredFolderOf(string keyFile) => Path.GetFullPath(keyFile) + ".retired";

    /// <summary>
    /// Null when the key file can still be read and holds the key in use; else what is wrong. The running process keeps
    /// its key in memory, but a restart without the file would create a new key that cannot read what the old one wrote.
    /// </summary>
    public string? CheckFile()
    {
        try
        {
            var bytes = File.ReadAllBytes(KeyFile);
            return CryptographicOperations.FixedTimeEquals(bytes, _master) ? null : "the key file no longer holds the key in use";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the key file cannot be read ({e.GetType().Name})";
        }
    }

    public string CurrentKeyId => _ids[0];

    public IReadOnlyList<string> KeyIds => _ids;

    public byte[] DeriveKey(string purpose) => Derive(_master, purpose);

    public byte[]? DeriveKey(string purpose, string keyId) => _masters.TryGetValue(keyId, out var master) ? Derive(master, purpose) : null;

    /// <summary>The master key itself, for the rotation that copies it into the retired folder.</summary>
    internal byte[]? Master(string keyId) => _masters.GetValueOrDefault(keyId);

    /// <summary>A key's public name: the first 8 bytes of a purpose-bound derivation, in hex. Reveals nothing about the key.</summary>
    public static string KeyIdOf(byte[] master) => Convert.ToHexStringLower(Derive(master, "key-id").AsSpan(0, 8));

    /// <summary>
    /// The value the database keeps to recognise a key: hex of the first 16 bytes of
    /// HMAC-SHA256(DeriveKey("key-check"), "aid key check value").
    /// </summary>
    public static string CheckValueOf(byte[] keyCheckSecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(keyCheckSecret, "aid key check value"u8).AsSpan(0, 16));

    /// <summary>The check value of a key this ring holds, or null when it does not hold <paramref name="keyId"/>.</summary>
    public string? CheckValue(string keyId) => DeriveKey("key-check", keyId) is { } secret ? CheckValueOf(secret) : null;

    private static byte[] Derive(byte[] master, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, salt: null, info: Encoding.UTF8.GetBytes("aid:" + purpose));

    /// <summary>A new random key written to <paramref name="path"/> (mode 0600; an existing file is replaced), flushed to disk.</summary>
    internal static byte[] WriteNew(string path) => Write(path, RandomNumberGenerator.GetBytes(32));

    /// <summary>Writes <paramref name="key"/> to <paramref name="path"/> (mode 0600, replacing a file there) and flushes it to disk.</summary>
    internal static byte[] Write(string path, byte[] key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(key);
        stream.Flush(flushToDisk: true);
        return key;
    }

    /// <summary>Reads a 32-byte key file; null when it does not exist.</summary>
    internal static byte[]? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        return bytes.Length == 32 ? bytes : throw new KeyFileRefusedException($"the key file {path} holds {bytes.Length} bytes, not the 32 bytes of a 256-bit key.");
    }

    private static IEnumerable<byte[]> LoadRetired(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        try
        {
            return Directory.EnumerateFiles(folder, "*.key").Order(StringComparer.Ordinal).Select(f => Read(f)!).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileRefusedException($"the retired keys in {folder} cannot be read ({e.GetType().Name}).");
        }
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length != 32) throw new InvalidOperationException($"The key file {path} must hold exactly 32 bytes.");
            return existing;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllBytes(path); // another process created it first
        }
    }
}

/// <summary>
/// The key file cannot serve this database (another key, a retired key, an unreadable retired key): the service refuses
/// to start, and Program prints <c>Aid refuses to start: </c> + <see cref="Exception.Message"/> as its one line.
/// </summary>
public sealed class KeyFileRefusedException(string reason) : Exception(reason)
{
    /// <summary>The refusal inside <paramref name="exception"/> (the host may wrap it), or null.</summary>
    public static KeyFileRefusedException? Find(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            switch (exception)
            {
                case KeyFileRefusedException refused:
                    return refused;
                case AggregateException aggregate when aggregate.InnerExceptions.Select(Find).FirstOrDefault(f => f is not null) is { } inner:
                    return inner;
            }
            exception = exception.InnerException;
        }
        return null;
    }
}
