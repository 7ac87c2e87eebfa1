using System.Text;

namespace Aid.Application.Statements;

/// <summary>
/// A register's rows as read once from the database, kept in a temporary file (memory stays flat however long the register):
/// the PDF, the CSV and the XLSX of one statement all read this copy, none reads the database again. The file has no name once
/// open (Unix) or is deleted when closed (Windows); disposing the register frees its space at once.
/// </summary>
internal sealed class RegisterSpill : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _file;

    private RegisterSpill(Microsoft.Win32.SafeHandles.SafeFileHandle file, long count)
    {
        _file = file;
        Count = count;
    }

    public long Count { get; }

    public static async Task<RegisterSpill> WriteAsync(IAsyncEnumerable<StatementCell[]> rows, CancellationToken ct)
    {
        var path = Path.GetTempFileName();
        Microsoft.Win32.SafeHandles.SafeFileHandle file;
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
            // Unlinked at once where the open handle keeps the data (Unix): nothing is left behind, even by a process that exits or
            // dies without disposing the statement (.NET runs no finalisers at exit). Windows deletes it when the handle closes.
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            long count = 0;
            await using (var stream = new BufferedStream(new HandleStream(file), BufferSize))
            await using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                await foreach (var row in rows.WithCancellation(ct))
                {
                    count++;
                    writer.Write7BitEncodedInt(row.Length);
                    foreach (var cell in row)
                    {
                        writer.Write((byte)((cell.Text is null ? 0 : 1) | (cell.Fen is null ? 0 : 2) | (cell.Label is null ? 0 : 4)));
                        if (cell.Text is { } text) writer.Write(text);
                        if (cell.Fen is { } fen) writer.Write(fen);
                        if (cell.Label is { } label) writer.Write(label);
                    }
                }
            }
            return new RegisterSpill(file, count);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The rows, in the order they were read; each call reads the file from its start (calls may overlap).</summary>
    public IAsyncEnumerable<StatementCell[]> ReadAsync() => Read().ToAsyncEnumerable();

    private IEnumerable<StatementCell[]> Read()
    {
        using var reader = new BinaryReader(new BufferedStream(new HandleStream(_file), BufferSize), Encoding.UTF8);
        for (long n = 0; n < Count; n++)
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

    public void Dispose() => _file.Dispose();

    /// <summary>The file from its start, with a position of its own; closing it leaves the file open (the spill owns it).</summary>
    private sealed class HandleStream(Microsoft.Win32.SafeHandles.SafeFileHandle file) : Stream
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

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
