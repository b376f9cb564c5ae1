package org.pgfence.lab;

import java.io.OutputStream;
import java.io.PrintStream;
import picocli.CommandLine.Model.CommandSpec;

/** A lab command's standard output as a PrintStream (the lab's steps print to one), autoflushed. */
public final class CommandOut {
    private CommandOut() {
    }

    public static PrintStream of(CommandSpec spec) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                spec.commandLine().getOut().write(b);
            }

            @Override
            public void flush() {
                spec.commandLine().getOut().flush();
            }
        }, true);
    }
}
