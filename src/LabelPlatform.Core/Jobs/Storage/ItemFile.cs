namespace LabelPlatform.Jobs.Storage;

public sealed record ItemFile(string StorageKey, string ContentType, int Width, string Sha256);
