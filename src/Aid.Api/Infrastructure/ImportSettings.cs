using Aid.Application.Imports;
using Aid.Infrastructure.Configuration;

namespace Aid.Api.Infrastructure;

/// <summary>
/// <c>Aid:Imports:*</c>: the largest upload (<c>MaxBytes</c>, default 20 MiB; 413 beyond), the most rows in a file
/// (<c>MaxRows</c>, 200,000), the most a spreadsheet may unpack to (<c>MaxUnpackedBytes</c>, 256 MiB: a zip bomb is
/// refused before it is read), and the rows booked per transaction of a commit (<c>ChunkSize</c>, 500).
/// </summary>
internal sealed class ImportSettings : Settings
{
    public long MaxBytes { get; private set; } = 20L * 1024 * 1024;
    public int MaxRows { get; private set; } = 200_000;
    public long MaxUnpackedBytes { get; private set; } = 256L * 1024 * 1024;
    public int ChunkSize { get; private set; } = 500;

    /// <summary>A pause between chunks of a commit (for tests and throttled machines).</summary>
    public TimeSpan ChunkDelay { get; private set; } = TimeSpan.Zero;

    protected internal override void Read(IConfiguration configuration)
    {
        MaxBytes = Int(configuration, "Aid:Imports:MaxBytes", 20 * 1024 * 1024, 1024, int.MaxValue);
        MaxRows = Int(configuration, "Aid:Imports:MaxRows", 200_000, 1, 10_000_000);
        MaxUnpackedBytes = Int(configuration, "Aid:Imports:MaxUnpackedMiB", 256, 1, 4096) * 1024L * 1024;
        ChunkSize = Int(configuration, "Aid:Imports:ChunkSize", 500, 1, 10_000);
        ChunkDelay = TimeSpan.FromMilliseconds(Int(configuration, "Aid:Imports:ChunkDelayMs", 0, 0, 60_000));
    }

    public ImportLimits Limits => new(MaxRows);
}
