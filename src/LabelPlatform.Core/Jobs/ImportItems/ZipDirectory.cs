using System.Buffers.Binary;

namespace LabelPlatform.Jobs.ImportItems;

/// <summary>
/// What a zip's end-of-central-directory record declares, read from the last bytes of the file
/// before anything opens the directory itself: an archive that claims millions of entries (or a
/// directory of gigabytes) is refused without .NET reading that directory into memory.
/// </summary>
public static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const int EndLength = 22;

    /// <summary>The declared entry count and directory size; null when the stream is not seekable or has no end record (not a zip).</summary>
    public static (long Entries, long DirectoryBytes)? Declared(Stream zip)
    {
        if (!zip.CanSeek || zip.Length < EndLength)
        {
            return null;
        }

        var start = zip.Position;
        try
        {
            // The end record is the last 22 bytes, unless a comment of up to 65,535 bytes follows it.
            var tail = (int)Math.Min(zip.Length, EndLength + ushort.MaxValue);
            var buffer = new byte[tail];
            zip.Seek(-tail, SeekOrigin.End);
            zip.ReadExactly(buffer);
            for (var at = tail - EndLength; at >= 0; at--)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at)) != EndSignature)
                {
                    continue;
                }

                long entries = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at + 10));
                long size = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at + 12));
                if ((entries == ushort.MaxValue || size == uint.MaxValue) && Zip64(zip, zip.Length - tail + at) is { } big)
                {
                    return big;
                }

                return (entries, size);
            }

            return null;
        }
        finally
        {
            zip.Position = start;
        }
    }

    // The Zip64 locator sits just before the classic end record and points at the Zip64 end record.
    private static (long, long)? Zip64(Stream zip, long endRecordAt)
    {
        if (endRecordAt < 20)
        {
            return null;
        }

        Span<byte> locator = stackalloc byte[20];
        zip.Seek(endRecordAt - 20, SeekOrigin.Begin);
        zip.ReadExactly(locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
        {
            return null;
        }

        var recordAt = BinaryPrimitives.ReadInt64LittleEndian(locator[8..]);
        if (recordAt < 0 || recordAt > zip.Length - 56)
        {
            return (long.MaxValue, long.MaxValue);
        }

        Span<byte> record = stackalloc byte[56];
        zip.Seek(recordAt, SeekOrigin.Begin);
        zip.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
        {
            return null;
        }

        var entries = BinaryPrimitives.ReadUInt64LittleEndian(record[32..]);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(record[40..]);
        return ((long)Math.Min(entries, long.MaxValue), (long)Math.Min(size, long.MaxValue));
    }
}
