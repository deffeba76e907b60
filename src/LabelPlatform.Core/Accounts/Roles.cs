namespace LabelPlatform.Accounts;

public static class Roles
{
    public const string Worker = "Worker";
    public const string Reviewer = "Reviewer";
    public const string Researcher = "Researcher";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Worker, Reviewer, Researcher, Admin];
}
