Console.WriteLine("signals-demo: not written yet");
return 0;
