export async function runCli(_argv: string[]): Promise<number> {
  console.log('relx');
  return 0;
}
