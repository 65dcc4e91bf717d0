// Command hello greets the world: a first Go program to run, test and debug in Warren.
package main

import "fmt"

// Greeting returns the greeting for name.
func Greeting(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("Hello, %s!", name)
}

func main() {
	fmt.Println(Greeting(""))
}
