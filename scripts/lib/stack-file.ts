// The stack file reader lives with the config loader, which the program uses too; re-exported for scripts and tests.
export { locateStackFile, parseStackFile, readStackFile, SECRET_PLACEHOLDER, StackFileError } from "../../components/config/stack-file";
