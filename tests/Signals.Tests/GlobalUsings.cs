global using NUnit.Framework;
global using Signals;
global using Signals.Tests.Support;
