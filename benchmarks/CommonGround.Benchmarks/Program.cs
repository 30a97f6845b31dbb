Console.WriteLine("Benchmarks arrive with the benchmarks branch.");
