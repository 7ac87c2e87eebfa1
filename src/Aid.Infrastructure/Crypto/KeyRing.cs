using System.Security.Cryptography;
using Aid.Application.Common;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// The deployment's 256-bit master key, read from Aid:Crypto:KeyFile (created with mode 0600 on first start).
/// Each purpose gets its own key through HKDF-SHA256, so the receipt MAC key is never the field-encryption key.
/// </summary>
public sealed class KeyRing : IKeyRing
{
    private readonly byte[] _master;

    public KeyRing(string keyFile)
    {
        KeyFile = Path.GetFullPath(keyFile);
        _master = LoadOrCreate(KeyFile);
    }

    public string KeyFile { get; }

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

    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _master, 32, salt: null, info: System.Text.Encoding.UTF8.GetBytes("aid:" + purpose));

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
