// signals-migrating RECIPE [before|after] [OPTION]: the recipes of docs/migrating.md, each in the form people
// write today ("before") and with Signals ("after"). Every recipe prints "ready PID" once its handlers are in
// place, one line per signal it sees, and reads commands ("quit", "ping", "restore") from standard input, so
// that tests/Signals.Tests/Migrating can drive it with real signals and never wait a fixed time.
using Signals.Migrating;
using Signals.Migrating.Recipes;

return args switch
{
    ["registration", "before", .. var options] => RegistrationRecipe.Before(options),
    ["registration", "after", .. var options] => RegistrationRecipe.After(options),
    ["host", "before"] => HostRecipe.Before(),
    ["host", "after"] => HostRecipe.After(),
    ["cancel-key-press", "before", .. var options] => CancelKeyPressRecipe.Before(options),
    ["cancel-key-press", "after", .. var options] => CancelKeyPressRecipe.After(options),
    ["unix-signal", .. var options] => UnixSignalRecipe.SideBySide(options),
    ["sigaction", "before"] => SigactionRecipe.Before(),
    ["sigaction", "after"] => SigactionRecipe.After(),
    _ => Sample.Usage(),
};
