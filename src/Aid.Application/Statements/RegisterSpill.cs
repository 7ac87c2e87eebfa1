using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Aid.Application.Statements;

/// <summary>
/// A register's rows as read once from the database, kept in a temporary file (memory stays flat however long the register),
/// with its CSV written beside them in the same pass: the PDF, the CSV and the XLSX of one statement all use this copy, none
/// reads the database again, and the CSV's digest and totals (which the PDF prints for a long register) come with it. The
/// files have no name once open (Unix) or are deleted when closed (Windows); disposing the register frees their space at once.
/// </summary>
internal sealed class RegisterSpill : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly SafeFileHandle _cells;
    private readonly SafeFileHandle _csv;

    private RegisterSpill(SafeFileHandle cells, SafeFileHandle csv, RegisterDigest digest)
    {
        _cells = cells;
        _csv = csv;
        Digest = digest;
    }

    /// <summary>The row count, money totals and the CSV's SHA-256, computed as they were written.</summary>
    public RegisterDigest Digest { get; }

    public static async Task<RegisterSpill> WriteAsync(IAsyncEnumerable<StatementCell[]> rows, IReadOnlyList<string> columns,
        IReadOnlyList<int> moneyColumns, CancellationToken ct)
    {
        var cells = OpenTemporary();
        SafeFileHandle? csv = null;
        try
        {
            csv = OpenTemporary();
            RegisterDigest digest;
            await using (var cellStream = new BufferedStream(new HandleStream(cells), BufferSize))
            await using (var writer = new BinaryWriter(cellStream, Encoding.UTF8, leaveOpen: true))
            await using (var csvStream = new BufferedStream(new HandleStream(csv), BufferSize))
            {
                using var csvWriter = new RegisterCsvWriter(columns, moneyColumns, csvStream);
                await foreach (var row in rows.WithCancellation(ct))
                {
                    writer.Write7BitEncodedInt(row.Length);
                    foreach (var cell in row)
                    {
                        writer.Write((byte)((cell.Text is null ? 0 : 1) | (cell.Fen is null ? 0 : 2) | (cell.Label is null ? 0 : 4)));
                        if (cell.Text is { } text) writer.Write(text);
                        if (cell.Fen is { } fen) writer.Write(fen);
                        if (cell.Label is { } label) writer.Write(label);
                    }
                    await csvWriter.AddAsync(row, ct);
                }
                digest = await csvWriter.FinishAsync(ct);
            }
            return new RegisterSpill(cells, csv, digest);
        }
        catch
        {
            cells.Dispose();
            csv?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new temporary file, unlinked at once where the open handle keeps the data (Unix): nothing is left behind, even by a
    /// process that exits or dies without disposing the statement (.NET runs no finalisers at exit). Windows deletes it when the
    /// handle closes.
    /// </summary>
    private static SafeFileHandle OpenTemporary()
    {
        var path = Path.GetTempFileName();
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        try
        {
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The register's CSV, as written with the rows (calls may overlap).</summary>
    public async Task CopyCsvToAsync(Stream output, CancellationToken ct)
    {
        await using var csv = new HandleStream(_csv);
        await csv.CopyToAsync(output, BufferSize, ct);
    }

    /// <summary>The rows, in the order they were read; each call reads the file from its start (calls may overlap).</summary>
    public IAsyncEnumerable<StatementCell[]> ReadAsync() => Read().ToAsyncEnumerable();

    private IEnumerable<StatementCell[]> Read()
    {
        using var reader = new BinaryReader(new BufferedStream(new HandleStream(_cells), BufferSize), Encoding.UTF8);
        for (long n = 0; n < Digest.Rows; n++)
        {
            var row = new StatementCell[reader.Read7BitEncodedInt()];
            for (var i = 0; i < row.Length; i++)
            {
                var flags = reader.ReadByte();
                var text = (flags & 1) != 0 ? reader.ReadString() : null;
                long? fen = (flags & 2) != 0 ? reader.ReadInt64() : null;
                var label = (flags & 4) != 0 ? reader.ReadString() : null;
                row[i] = new StatementCell(text, fen, label);
            }
            yield return row;
        }
    }

    public void Dispose()
    {
        _cells.Dispose();
        _csv.Dispose();
    }

    /// <summary>The file from its start, with a position of its own; closing it leaves the file open (the spill owns it).</summary>
    private sealed class HandleStream(SafeFileHandle file) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => RandomAccess.GetLength(file);
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = RandomAccess.Read(file, buffer, _position);
            _position += read;
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            RandomAccess.Write(file, buffer, _position);
            _position += buffer.Length;
        }

        // Done where asked, as the rows' own writes are (a temporary file, written and read at once): the base class would run
        // each on the thread pool.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() { }

        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
