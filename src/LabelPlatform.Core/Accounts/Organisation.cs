namespace LabelPlatform.Accounts;

public sealed class Organisation
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
