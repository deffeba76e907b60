using System.Globalization;
using LabelPlatform.Cli;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    return Commands.Run(args, Console.Out);
}
catch (CliException e)
{
    Console.Error.WriteLine($"labelplatform: {e.Message}");
    return 2;
}
